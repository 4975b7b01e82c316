// YATA-Shield web UI: progressive enhancement only. Every page works
// without this file; it adds drag-and-drop upload, confirmation dialogs
// and filter forms that submit on change. No inline script anywhere (the
// Content-Security-Policy forbids it).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Forms with data-confirm ask first.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        e.preventDefault();
      }
    });
  });
  // Filter forms submit when a field changes.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("select, input").forEach(function (field) {
      field.addEventListener("change", function () { form.submit(); });
    });
  });
  // A drop zone hands a dropped file to its form's file input.
  document.querySelectorAll(".dropzone").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    if (!input) { return; }
    zone.addEventListener("dragover", function (e) {
      e.preventDefault();
      zone.classList.add("over");
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer && e.dataTransfer.files.length > 0) {
        input.files = e.dataTransfer.files;
        var name = zone.querySelector("[data-file-name]");
        if (name) { name.textContent = e.dataTransfer.files[0].name; }
      }
    });
  });
});
