// The example module of the go.mod reference, with the tricky cases.
module example.com/mymodule

go 1.21

toolchain go1.21.3

require example.com/othermodule v1.2.3

require (
	golang.org/x/net v0.17.0
	golang.org/x/text v0.13.0 // indirect
	github.com/BurntSushi/toml v1.3.2 // indirect; keep
	"example.com/quoted" v0.1.0
	example.com/local v1.0.0
	example.com/old v1.0.0
)

require ()

exclude example.com/thismodule v1.3.0

exclude (
	golang.org/x/net v0.16.0
)

replace golang.org/x/net v0.17.0 => golang.org/x/net v0.17.1-0.20231101000000-abcdefabcdef

replace (
	example.com/local => ../local
	example.com/old => example.com/new v2.0.0+incompatible
	example.com/unused v9.9.9 => example.com/other v1.0.0
)

retract [v1.9.0, v1.9.5]

godebug default=go1.21
