(function () {
  "use strict";
  // Progressive enhancement: without this script every row shows and the filters stay hidden.
  var table = document.getElementById("units");
  if (!table || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var byId = function (id) { return document.getElementById(id); };
  var region = byId("filter-region"), type = byId("filter-type"), rating = byId("filter-rating");
  var query = byId("filter-q"), shown = byId("shown");

  function matches(row, wanted) {
    var d = row.dataset;
    return (!wanted.region || d.region === wanted.region) &&
      (!wanted.type || d.type === wanted.type) &&
      (!wanted.rating || d.rating === wanted.rating) &&
      (!wanted.text || d.unit.toLowerCase().indexOf(wanted.text) !== -1);
  }

  function filter() {
    var wanted = { region: region.value, type: type.value, rating: rating.value,
                   text: query.value.trim().toLowerCase() };
    var count = 0;
    rows.forEach(function (row) {
      var ok = matches(row, wanted);
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = count === rows.length ? "Showing all " + rows.length + " units" :
      "Showing " + count + " of " + rows.length + " units";
  }

  [region, type, rating].forEach(function (el) { el.addEventListener("change", filter); });
  query.addEventListener("input", filter);
  byId("filters").hidden = false;
  shown.hidden = false;
  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });
  filter();

  function value(row, index) {
    var cell = row.cells[index];
    return cell.getAttribute("data-sort") || cell.textContent.trim();
  }

  function compare(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y)) { return x - y; }
    return a.localeCompare(b, "en", { sensitivity: "base" });
  }

  function sortBy(th, index) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(th.parentNode.cells, function (other) {
      other.removeAttribute("aria-sort");
      var arrow = other.querySelector(".arrow");
      if (arrow) { arrow.textContent = ""; }
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    // The arrow is for the eye; screen readers announce aria-sort instead.
    th.querySelector(".arrow").textContent = ascending ? " ▲" : " ▼";
    var order = rows.map(function (row, i) { return { row: row, i: i, v: value(row, index) }; });
    order.sort(function (p, q) { return (ascending ? compare(p.v, q.v) : compare(q.v, p.v)) || p.i - q.i; });
    order.forEach(function (p) { body.appendChild(p.row); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    if (!th.hasAttribute("data-sortable")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent.trim();
    var arrow = document.createElement("span");
    arrow.className = "arrow";
    arrow.setAttribute("aria-hidden", "true");
    button.appendChild(arrow);
    button.addEventListener("click", function () { sortBy(th, index); });
    th.textContent = "";
    th.appendChild(button);
  });
}());
