/* 长辈版 (elder-friendly mode): larger text and spacing, 7:1 contrast, 44 px targets.
   Loaded in <head> so the mode applies before the page is drawn. The choice is kept in this
   browser's localStorage and so holds on every page of the site. Without JavaScript the switch
   stays a link to /elder/, which explains how to enlarge the page with the browser instead. */
(function () {
  "use strict";
  var KEY = "jd-elder", CLASS = "jd-elder", root = document.documentElement;

  function stored() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function store(on) {
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode: this page only */ }
  }
  function apply(on) { root.classList.toggle(CLASS, on); }

  apply(stored());

  function upgrade(link) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    var label = function () {
      button.textContent = root.classList.contains(CLASS) ? link.dataset.labelOn : link.dataset.labelOff;
    };
    button.addEventListener("click", function () {
      var on = !root.classList.contains(CLASS);
      apply(on);
      store(on);
      label();
    });
    label();
    link.replaceWith(button);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("a[data-jd-elder]"), upgrade);
  });
})();
