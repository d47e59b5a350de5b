/* mgkg: draw a pyvis Network's nodes and edges with vis-network, offline.
   The data arrives as JSON in <script type="application/json"> blocks (never as code);
   titles are strings, which vis-network shows as plain text (innerText), never as HTML. */
(function () {
  "use strict";
  function read(id) { return JSON.parse(document.getElementById(id).textContent); }
  var nodes = read("mgkg-nodes");
  var edges = read("mgkg-edges");
  var options = JSON.parse(read("mgkg-options"));
  [nodes, edges].forEach(function (items) {
    items.forEach(function (item) { if (item.title !== undefined && item.title !== null) { item.title = String(item.title); } });
  });
  var container = document.getElementById("mynetwork");
  var network = new vis.Network(container, { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) }, options);
  window.mgkgPyvis = { network: network };  // for the notebook's own scripts and for tests
  network.once("afterDrawing", function () { document.body.setAttribute("data-ready", "true"); });
})();
