//! The product tree resolved: every product id to what the matcher needs to
//! know about it ([`Product`]), every product group id to its product ids.
//!
//! Products are defined by `branches` (vendor, product and version taken from
//! the path of branches above the product), by `full_product_names`, and by
//! `relationships`, whose composite product (component X `installed_on` /
//! `default_component_of` / … platform Y) keeps X's identity and adds Y's
//! name to its platforms. A relationship may name another relationship's
//! product; chains are followed up to [`MAX_CHAIN`] deep, and loops are
//! reported, not followed.

use std::collections::HashMap;

use super::Problems;
use super::schema::{Branch, FullProductName, ProductTree, Relationship};

/// How deep relationships over relationships are followed.
const MAX_CHAIN: usize = 32;

/// What a product id names.
#[derive(Debug, Clone, Default)]
pub(super) struct Product {
    pub vendor: Option<String>,
    pub product: Option<String>,
    /// The version text and its `version_type`: `csaf` for an exact version
    /// (`product_version`, `service_pack`, `patch_level`), `vers` for a
    /// `product_version_range` in `vers:` form, `vls` for one in the
    /// free-form "vers-like string" CSAF also allows.
    pub version: Option<(String, &'static str)>,
    pub cpes: Vec<String>,
    pub purl: Option<String>,
    pub platforms: Vec<String>,
}

#[derive(Debug, Default)]
pub(super) struct Tree {
    products: HashMap<String, Product>,
    /// Where each product id is defined, to name the first definition when
    /// another one repeats it.
    defined_at: HashMap<String, String>,
    /// Full product names, by product id (the id when a product has none).
    names: HashMap<String, String>,
    groups: HashMap<String, Vec<String>>,
    /// Set when the product tree could not be read at all: references into
    /// it are then not reported one by one.
    unreadable: bool,
}

/// The branch categories above a product, innermost winning.
#[derive(Debug, Clone, Default)]
struct Path<'a> {
    vendor: Option<&'a str>,
    product_name: Option<&'a str>,
    family: Option<&'a str>,
    version: Option<(&'a str, &'static str)>,
    architectures: Vec<&'a str>,
}

impl Tree {
    /// A tree that could not be read: it knows no product, and says nothing
    /// about references into it.
    pub fn unreadable() -> Tree {
        Tree {
            unreadable: true,
            ..Tree::default()
        }
    }

    pub fn build(tree: &ProductTree, problems: &mut Problems) -> Tree {
        let mut out = Tree::default();
        out.branches(
            &tree.branches,
            "/product_tree/branches",
            &Path::default(),
            problems,
        );
        for (i, fpn) in tree.full_product_names.iter().enumerate() {
            let product = Product {
                product: non_empty(fpn.name.as_deref()).map(str::to_owned),
                ..Product::default()
            };
            out.define(
                fpn,
                product,
                &format!("/product_tree/full_product_names/{i}"),
                problems,
            );
        }
        out.relationships(&tree.relationships, problems);
        for (i, group) in tree.product_groups.iter().enumerate() {
            let at = format!("/product_tree/product_groups/{i}");
            let mut ids = Vec::with_capacity(group.product_ids.len());
            for (j, id) in group.product_ids.iter().enumerate() {
                if out.products.contains_key(id) {
                    ids.push(id.clone());
                } else {
                    problems.push(format!("{at}/product_ids/{j}"), unknown_product(id));
                }
            }
            if out.groups.contains_key(&group.group_id) {
                problems.push(
                    format!("{at}/group_id"),
                    format!(
                        "product group id {:?} is defined more than once; the first definition is used",
                        group.group_id
                    ),
                );
            } else {
                out.groups.insert(group.group_id.clone(), ids);
            }
        }
        out
    }

    pub fn product(&self, id: &str) -> Option<&Product> {
        self.products.get(id)
    }

    /// The product ids named by `product_ids` (the list at `products_at`)
    /// and `group_ids` (at `groups_at`), each once, sorted; unknown ids are
    /// reported and left out.
    pub fn targets(
        &self,
        (product_ids, products_at): (&[String], &str),
        (group_ids, groups_at): (&[String], &str),
        problems: &mut Problems,
    ) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (j, id) in product_ids.iter().enumerate() {
            match self.products.get_key_value(id.as_str()) {
                Some((id, _)) => out.push(id),
                None => self.unknown(problems, format!("{products_at}/{j}"), unknown_product(id)),
            }
        }
        for (j, id) in group_ids.iter().enumerate() {
            match self.groups.get(id.as_str()) {
                Some(ids) => out.extend(ids.iter().map(String::as_str)),
                None => self.unknown(
                    problems,
                    format!("{groups_at}/{j}"),
                    format!("unknown product group id {id:?}"),
                ),
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Reports a reference to an id the tree does not define, unless the
    /// tree itself was unreadable (already reported once).
    pub fn unknown(&self, problems: &mut Problems, at: String, message: String) {
        if !self.unreadable {
            problems.push(at, message);
        }
    }

    fn branches<'a>(
        &mut self,
        branches: &'a [Branch],
        at: &str,
        above: &Path<'a>,
        problems: &mut Problems,
    ) {
        for (i, branch) in branches.iter().enumerate() {
            let at = format!("{at}/{i}");
            let mut path = above.clone();
            if let Some(name) = non_empty(Some(&branch.name)) {
                match branch.category.as_str() {
                    "vendor" => path.vendor = Some(name),
                    "product_name" => path.product_name = Some(name),
                    "product_family" => path.family = Some(name),
                    "product_version" | "service_pack" | "patch_level" => {
                        path.version = Some((name, "csaf"));
                    }
                    "product_version_range" => {
                        let kind = if name.starts_with("vers:") {
                            "vers"
                        } else {
                            "vls"
                        };
                        path.version = Some((name, kind));
                    }
                    "architecture" => path.architectures.push(name),
                    // host_name, language, legacy, specification: nothing the
                    // matcher uses.
                    _ => {}
                }
            }
            if let Some(fpn) = &branch.product {
                let product = Product {
                    vendor: path.vendor.map(str::to_owned),
                    product: path
                        .product_name
                        .or(path.family)
                        .or(non_empty(fpn.name.as_deref()))
                        .map(str::to_owned),
                    version: path.version.map(|(v, kind)| (v.to_owned(), kind)),
                    platforms: path.architectures.iter().map(|&a| a.to_owned()).collect(),
                    ..Product::default()
                };
                self.define(fpn, product, &format!("{at}/product"), problems);
            }
            self.branches(&branch.branches, &format!("{at}/branches"), &path, problems);
        }
    }

    /// Records `fpn`'s product, with the identification helper's CPE and PURL.
    fn define(
        &mut self,
        fpn: &FullProductName,
        mut product: Product,
        at: &str,
        problems: &mut Problems,
    ) {
        if let Some(helper) = &fpn.product_identification_helper {
            if let Some(cpe) = &helper.cpe {
                product.cpes = vec![cpe.clone()];
            }
            if let Some(purl) = &helper.purl {
                product.purl = Some(purl.clone());
            }
        }
        if let Some(first) = self.defined_at.get(&fpn.product_id) {
            problems.push(
                format!("{at}/product_id"),
                format!(
                    "product id {:?} is already defined at {first}; the first definition is used",
                    fpn.product_id
                ),
            );
            return;
        }
        self.defined_at
            .insert(fpn.product_id.clone(), format!("{at}/product_id"));
        let name = non_empty(fpn.name.as_deref()).unwrap_or(&fpn.product_id);
        self.names.insert(fpn.product_id.clone(), name.to_owned());
        self.products.insert(fpn.product_id.clone(), product);
    }

    fn relationships(&mut self, rels: &[Relationship], problems: &mut Problems) {
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        for (i, r) in rels.iter().enumerate() {
            by_id
                .entry(r.full_product_name.product_id.as_str())
                .or_insert(i);
        }
        let mut resolver = Resolver {
            rels,
            by_id,
            state: vec![State::Todo; rels.len()],
        };
        for i in 0..rels.len() {
            resolver.resolve(self, i, 0, problems);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Todo,
    Resolving,
    Done,
}

struct Resolver<'a> {
    rels: &'a [Relationship],
    /// Relationship index by the product id it defines (the first, if
    /// several define one id).
    by_id: HashMap<&'a str, usize>,
    state: Vec<State>,
}

impl Resolver<'_> {
    fn resolve(&mut self, tree: &mut Tree, i: usize, depth: usize, problems: &mut Problems) {
        let at = format!("/product_tree/relationships/{i}");
        match self.state[i] {
            State::Done => return,
            State::Resolving => {
                problems.push(
                    format!("{at}/product_reference"),
                    "relationships refer to each other in a loop",
                );
                return;
            }
            State::Todo => {}
        }
        if depth > MAX_CHAIN {
            problems.push(
                format!("{at}/product_reference"),
                format!("relationships nest more than {MAX_CHAIN} deep"),
            );
            return;
        }
        self.state[i] = State::Resolving;
        let rel = &self.rels[i];
        let component_id = rel.product_reference.as_str();
        if !tree.products.contains_key(component_id)
            && let Some(&j) = self.by_id.get(component_id)
        {
            self.resolve(tree, j, depth + 1, problems);
        }
        let fpn = &rel.full_product_name;
        let mut product = match tree.products.get(component_id) {
            Some(component) => component.clone(),
            None => {
                // A relationship that could not be resolved was reported
                // where it failed.
                if !self.by_id.contains_key(component_id) {
                    problems.push(
                        format!("{at}/product_reference"),
                        unknown_product(component_id),
                    );
                }
                Product {
                    product: non_empty(fpn.name.as_deref()).map(str::to_owned),
                    ..Product::default()
                }
            }
        };
        let platform_id = rel.relates_to_product_reference.as_str();
        let rel_name = self.by_id.get(platform_id).map(|&j| {
            let fpn = &self.rels[j].full_product_name;
            non_empty(fpn.name.as_deref()).unwrap_or(platform_id)
        });
        match tree.names.get(platform_id).map(String::as_str).or(rel_name) {
            Some(name) => {
                if !product.platforms.iter().any(|p| p == name) {
                    product.platforms.push(name.to_owned());
                }
            }
            None => problems.push(
                format!("{at}/relates_to_product_reference"),
                unknown_product(platform_id),
            ),
        }
        tree.define(fpn, product, &format!("{at}/full_product_name"), problems);
        self.state[i] = State::Done;
    }
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

fn unknown_product(id: &str) -> String {
    format!("unknown product id {id:?}")
}
