/* mgkg viewer. Every text from the data goes into the page with textContent or as a
   canvas label, never as HTML; links are made only from http(s) URLs. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("mgkg-data").textContent);
  var S = DATA.styles;
  var LARGE = !DATA.physics;
  var DIM_NODE = { background: "#eceff3", border: "#d8dde3", highlight: { background: "#eceff3", border: "#9ca3af" },
                   hover: { background: "#eceff3", border: "#9ca3af" } };
  var DIM_EDGE = { color: "#e5e7eb", highlight: "#e5e7eb", hover: "#d1d5db", opacity: 1 };
  var SVG = "http://www.w3.org/2000/svg";

  // ---- small DOM helpers (text only) --------------------------------------
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) { continue; }
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return parent;
  }
  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\/[^\s"'<>`]+$/i.test(url) ? url : null;
  }
  function link(text, url) {
    var safe = safeUrl(url);
    if (!safe) { return el("span", null, text); }
    var a = el("a", null, text);
    a.href = safe;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    return e;
  }

  // ---- indexes ------------------------------------------------------------
  var nodeById = {}, edgeById = {}, edgesOf = {};
  DATA.nodes.forEach(function (n) { nodeById[n.id] = n; edgesOf[n.id] = []; });
  DATA.edges.forEach(function (e) {
    edgeById[e.id] = e;
    edgesOf[e.from].push(e.id);
    if (e.to !== e.from) { edgesOf[e.to].push(e.id); }
  });

  // ---- vis objects --------------------------------------------------------
  function nodeColor(n) {
    var st = S.groups[n.group] || S.groups.other;
    return { background: st.color, border: "#374151", highlight: { background: st.color, border: "#111827" },
             hover: { background: st.color, border: "#111827" } };
  }
  function edgeColor(e) {
    var c = S.grades[e.grade_tier] || S.grades.ungraded;
    return { color: c, highlight: c, hover: c, opacity: 1 };
  }
  function edgeLabel(e) {
    var label = e.predicate.label;
    if (e.contraindication) { label = S.contraindication.mark + " " + label; }
    if (e.verdict_tier && e.verdict_tier !== "none") { label += " " + (S.verdicts[e.verdict_tier] || ""); }
    return label;
  }
  function visNode(n) {
    var st = S.groups[n.group] || S.groups.other;
    var v = { id: n.id, label: n.label, shape: st.shape, value: n.value, color: nodeColor(n),
              font: { color: "#1f2937" } };
    if (typeof n.x === "number") { v.x = n.x; v.y = n.y; }
    return v;
  }
  function visEdge(e) {
    var v = { id: e.id, from: e.from, to: e.to, color: edgeColor(e), dashes: S.bases[e.basis] || false,
              width: e.asserted_as_edge ? 3 : 1.5,
              arrows: { to: { enabled: true, type: e.contraindication ? S.contraindication.arrow : "arrow",
                              scaleFactor: 0.6 } },
              font: { color: "#374151" } };
    if (DATA.edge_labels) { v.label = edgeLabel(e); }
    return v;
  }

  var nodes = new vis.DataSet(DATA.nodes.map(visNode));
  var edges = new vis.DataSet(DATA.edges.map(visEdge));
  var container = document.getElementById("mgkg-network");
  var options = {
    autoResize: true,
    nodes: { borderWidth: 1, font: { size: 13, strokeWidth: 3, strokeColor: "#ffffff" },
             scaling: { min: 8, max: 34, label: { enabled: true, min: 11, max: 20, drawThreshold: LARGE ? 8 : 4 } } },
    edges: { smooth: LARGE ? false : { enabled: true, type: "continuous", roundness: 0.3 },
             font: { size: 10, strokeWidth: 3, strokeColor: "#ffffff", align: "middle" },
             selectionWidth: 2, hoverWidth: 1 },
    interaction: { hover: true, hideEdgesOnDrag: LARGE, hideEdgesOnZoom: LARGE, keyboard: false,
                   navigationButtons: false, multiselect: false, tooltipDelay: 300 },
    layout: { randomSeed: 7, improvedLayout: !LARGE && DATA.nodes.length <= 150 },
    physics: DATA.physics
      ? { enabled: true, solver: "forceAtlas2Based",
          forceAtlas2Based: { gravitationalConstant: -70, springLength: 110, avoidOverlap: 0.3 },
          stabilization: { enabled: true, iterations: 500, updateInterval: 50, fit: true } }
      : { enabled: false }
  };
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);

  // ---- readiness (tests and screenshots wait for it) ----------------------
  var ready = false;
  function markReady() {
    if (ready) { return; }
    ready = true;
    document.body.setAttribute("data-nodes", String(nodes.length));
    document.body.setAttribute("data-edges", String(edges.length));
    document.body.setAttribute("data-ready", "true");
  }
  if (DATA.physics && DATA.nodes.length > 0) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit({ animation: false });
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", markReady);
    if (DATA.nodes.length === 0) { markReady(); }
  }

  // draw times of the last frames (ms): lets tests check that panning stays smooth
  var drawTimes = [], drawStart = 0;
  network.on("beforeDrawing", function () { drawStart = performance.now(); });
  network.on("afterDrawing", function () {
    drawTimes.push(performance.now() - drawStart);
    if (drawTimes.length > 200) { drawTimes.shift(); }
  });

  // ---- header ---------------------------------------------------------------
  document.getElementById("mgkg-title").textContent = DATA.title;
  document.getElementById("mgkg-subtitle").textContent = DATA.subtitle ||
    "Each line is a claim; its colour is the evidence grade, its dash what it rests on.";
  var countsEl = document.getElementById("mgkg-counts");
  function showCounts(visibleNodes, visibleEdges) {
    var text = DATA.counts.nodes + " entities · " + DATA.counts.edges + " claims";
    if (visibleNodes !== DATA.counts.nodes || visibleEdges !== DATA.counts.edges) {
      text += " (showing " + visibleNodes + " · " + visibleEdges + ")";
    }
    countsEl.textContent = text;
  }
  showCounts(DATA.counts.nodes, DATA.counts.edges);

  // ---- cards ----------------------------------------------------------------
  var card = document.getElementById("mgkg-card");
  var pinned = null; // {kind: "node"|"edge", id}

  function section(title) { return el("h3", null, title); }
  function badge(text, color) {
    var b = el("span", "badge", text);
    b.style.background = color;
    return b;
  }
  function sourceItem(s) {
    var li = el("li");
    var bits = [s.label];
    if (s.design) { bits.push(s.design); }
    if (s.kind_label) { bits.push(s.kind_label); }
    add(li, bits.join(" · "));
    var links = el("span", "links");
    (s.links || []).forEach(function (l) { add(links, " ", link(l.text, l.url)); });
    add(li, links);
    if (s.key_result) { add(li, el("div", "kind", "Found: " + s.key_result)); }
    return li;
  }
  function pinnedNote(isPinned) {
    return isPinned ? el("p", "pinned", "pinned · click the background to unpin") : null;
  }

  function showNodeCard(id, isPinned) {
    var n = nodeById[id];
    if (!n) { return; }
    card.replaceChildren();
    card.setAttribute("data-kind", "node");
    card.setAttribute("data-id", id);
    add(card, pinnedNote(isPinned), el("h2", "label", n.label));
    add(card, el("p", "kind", (n.types.length ? n.types.join(", ") : "entity") + " · " + n.curie));
    if (n.definition) { add(card, el("p", "definition", n.definition)); }
    if (n.synonyms && n.synonyms.length) { add(card, el("p", "synonyms", "Also called: " + n.synonyms.join(", "))); }
    if (n.external_ids.length) {
      var ids = el("p", "ids");
      n.external_ids.forEach(function (x) {
        add(ids, link(x.id + (x.match === "close" ? " (close match)" : ""), x.url), " ");
      });
      add(card, section("External identifiers"), ids);
    }
    if (n.note) { add(card, section("Identifier note"), el("p", "note", n.note)); }
    if (n.attributes.length) {
      var attrs = el("ul");
      n.attributes.forEach(function (a) { add(attrs, el("li", null, a.name + ": " + a.value + " (" + a.basis + ")")); });
      add(card, section("Also said about it"), attrs);
    }
    var mine = edgesOf[id] || [];
    add(card, section(mine.length + " claim" + (mine.length === 1 ? "" : "s") + " · evidence from " +
                      n.evidence_count + " source" + (n.evidence_count === 1 ? "" : "s")));
    // Relations first (what the whole body of evidence says), the claims under each.
    var groups = [], byRelation = {};
    mine.slice(0, 40).forEach(function (eid) {
      var e = edgeById[eid];
      var key = e.summary ? e.summary.iri : "claim:" + eid;
      if (!byRelation[key]) { byRelation[key] = { summary: e.summary, edges: [] }; groups.push(byRelation[key]); }
      byRelation[key].edges.push(e);
    });
    groups.sort(function (a, b) {
      return (b.summary && b.summary.asserts_edge ? 1 : 0) - (a.summary && a.summary.asserts_edge ? 1 : 0);
    });
    var list = el("ul", "claims");
    groups.forEach(function (g) {
      var li = el("li", "relation");
      if (g.summary) {
        var head = el("p", "relation-summary");
        add(head, badge(g.summary.asserts_edge ? "fact" : "not a fact", g.summary.asserts_edge ? "#15803d" : "#6b7280"),
            " ", g.summary.plain || "");
        add(li, head);
      }
      var claimsOf = el("ul");
      g.edges.forEach(function (e) {
        var b = el("button", "linklike", e.statement);
        b.type = "button";
        b.addEventListener("click", function () { pinEdge(e.id); });
        var item = el("li");
        add(item, b, " ", el("span", "kind", "(" + (e.grade ? e.grade.label : "ungraded") + ")"));
        add(claimsOf, item);
      });
      add(li, claimsOf);
      add(list, li);
    });
    if (mine.length > 40) { add(list, el("li", "kind", "and " + (mine.length - 40) + " more")); }
    add(card, list);
  }

  // What the whole body of evidence on the relation says: shown before the claim, in plain words.
  function summaryBlock(s) {
    var box = el("div", "summary");
    add(box, section("What the evidence says about this relation"));
    var verdict = el("p", "fact");
    add(verdict, badge(s.asserts_edge ? "a fact in this graph" : "not a fact in this graph",
                       s.asserts_edge ? "#15803d" : "#6b7280"));
    add(box, verdict);
    if (s.plain) { add(box, el("p", "plain", s.plain)); }
    if (s.reason) { add(box, el("p", "why", s.reason)); }
    var facts = [
      s.evidence_class ? "question: " + s.evidence_class : null,
      s.certainty ? "certainty: " + s.certainty : null,
      s.direction ? "direction: " + s.direction : null,
      s.studies !== null && s.studies !== undefined ? s.studies + " stud" + (s.studies === 1 ? "y" : "ies") : null,
      s.participants ? s.participants + " participants" : null,
      s.claims ? "weighs " + s.claims + " claim" + (s.claims === 1 ? "" : "s") + " and findings" : null
    ].filter(Boolean).join(" · ");
    if (facts) { add(box, el("p", "kind", facts)); }
    return box;
  }

  function showEdgeCard(id, isPinned) {
    var e = edgeById[id];
    if (!e) { return; }
    card.replaceChildren();
    card.setAttribute("data-kind", "edge");
    card.setAttribute("data-id", id);
    add(card, pinnedNote(isPinned), el("p", "kind", "claim · " + e.curie));
    if (e.summary) { add(card, summaryBlock(e.summary), section("This claim")); }
    add(card, el("p", "statement", e.statement));
    add(card, el("p", "triple", e.subject.label + " — " + e.predicate.label + " → " + e.object.label));
    if (e.hedge) { add(card, el("p", "hedge", "The source hedges: “" + e.hedge + "”")); }
    if (e.contraindication) {
      add(card, el("p", "contra", S.contraindication.mark + " Contraindication or risk: talk to a clinician."));
    }
    if (e.exceeds_upper_limit) {
      add(card, el("p", "contra", "Dose above the adult upper limit" + (e.dose ? ": " + e.dose : " of its nutrient") + "."));
    }
    add(card, section("This claim's own evidence grade"));
    var gradeColor = S.grades[e.grade_tier] || S.grades.ungraded;
    var gp = el("p", "grade");
    add(gp, badge(e.grade ? e.grade.label : "ungraded", gradeColor));
    var gradeDefinition = e.grade ? (e.grade.definition || DATA.grade_definitions[e.grade.label]) : null;
    if (gradeDefinition) { add(gp, gradeDefinition); }
    if (!e.grade) { add(gp, "No grade is recorded for this claim."); }
    add(card, gp);
    if (e.grade && e.grade.reasons.length) {
      var why = el("ul", "why");
      e.grade.reasons.forEach(function (r) { add(why, el("li", null, r)); });
      add(card, el("p", "kind", "Why:"), why);
    }
    if (e.verdicts.length) {
      add(card, section("Citation audit"));
      e.verdicts.forEach(function (v) {
        var p = el("p", "verdict");
        add(p, el("strong", null, (S.verdicts[v.tier] || "") + " " + v.label), v.reason ? " — " + v.reason : "");
        add(card, p);
        if (v.compared_with.length) {
          var ul = el("ul");
          v.compared_with.forEach(function (s) { add(ul, sourceItem(DATA.sources[s])); });
          add(card, ul);
        }
      });
    }
    add(card, section("Rests on"));
    var kinds = e.rests_on.length ? e.rests_on.map(function (k) { return S.kinds[k] || k; }).join(", ")
      : "no recorded kind of source";
    var asserted = e.asserted_as_edge === true ? "its relation is asserted as a direct edge" :
      e.asserted_as_edge === false ? "its relation is not asserted as a direct edge (see what the evidence says, above)" : "";
    add(card, el("p", "basis", kinds + (asserted ? "; " + asserted : "")));
    if (e.passage) {
      add(card, section("On the page"));
      if (e.passage.section) { add(card, el("p", "section", "§ " + e.passage.section)); }
      if (e.passage.quotation) { add(card, el("blockquote", "quotation", e.passage.quotation)); }
    }
    if (e.qualifiers.length) {
      var q = el("ul");
      e.qualifiers.forEach(function (x) { add(q, el("li", null, x.name + ": " + x.value)); });
      add(card, section("Qualifiers"), q);
    }
    if (e.sources.length) {
      var src = el("ul", "sources");
      e.sources.forEach(function (s) { add(src, sourceItem(DATA.sources[s])); });
      add(card, section("Sources"), src);
    }
    if (e.evidence.length) {
      var ev = el("ul", "evidence");
      e.evidence.forEach(function (x) {
        var li = el("li", null, x.statement);
        var meta = [x.stance, x.directness, x.grade ? "grade " + x.grade : null,
                    x.exceeds_upper_limit ? "dose above the adult upper limit" + (x.dose ? " (" + x.dose + ")" : "") : null].filter(Boolean).join(" · ");
        if (meta) { add(li, el("div", "kind", meta)); }
        var ul = el("ul");
        x.sources.forEach(function (s) { add(ul, sourceItem(DATA.sources[s])); });
        add(li, ul);
        add(ev, li);
      });
      add(card, section("Studies linked to this claim"), ev);
    }
    if (e.printed_citations.length) {
      var pc = el("ul");
      e.printed_citations.forEach(function (t) { add(pc, el("li", null, t)); });
      add(card, section("Citations as the page prints them"), pc);
    }
  }

  function showPinned() {
    if (!pinned) { return; }
    if (pinned.kind === "node") { showNodeCard(pinned.id, true); } else { showEdgeCard(pinned.id, true); }
  }

  // ---- highlight --------------------------------------------------------------
  var dimmed = false;
  function highlight(keepNodes, keepEdges) {
    if (!keepNodes && !dimmed) { return; }
    var nu = [], eu = [];
    DATA.nodes.forEach(function (n) {
      var keep = !keepNodes || keepNodes[n.id];
      nu.push({ id: n.id, color: keep ? nodeColor(n) : DIM_NODE, font: { color: keep ? "#1f2937" : "#c4c9d0" } });
    });
    DATA.edges.forEach(function (e) {
      var keep = !keepEdges || keepEdges[e.id];
      eu.push({ id: e.id, color: keep ? edgeColor(e) : DIM_EDGE, font: { color: keep ? "#374151" : "#d1d5db" } });
    });
    nodes.update(nu);
    edges.update(eu);
    dimmed = !!keepNodes;
  }
  function neighbourhood(id) {
    var keepN = {}, keepE = {};
    keepN[id] = true;
    (edgesOf[id] || []).forEach(function (eid) {
      var e = edgeById[eid];
      keepE[eid] = true;
      keepN[e.from] = true;
      keepN[e.to] = true;
    });
    highlight(keepN, keepE);
  }
  function pinNode(id, focus) {
    pinned = { kind: "node", id: id };
    network.selectNodes([id]);
    if (focus) { network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: false }); }
    neighbourhood(id);
    showNodeCard(id, true);
  }
  function pinEdge(id) {
    var e = edgeById[id];
    pinned = { kind: "edge", id: id };
    network.setSelection({ nodes: [], edges: [id] });
    var keepN = {}, keepE = {};
    keepN[e.from] = true; keepN[e.to] = true; keepE[id] = true;
    highlight(keepN, keepE);
    showEdgeCard(id, true);
  }
  function unpin() {
    pinned = null;
    network.unselectAll();
    highlight(null, null);
    activePath(null);
  }

  network.on("hoverNode", function (p) { showNodeCard(p.node, false); });
  network.on("hoverEdge", function (p) { showEdgeCard(p.edge, false); });
  network.on("blurNode", showPinned);
  network.on("blurEdge", showPinned);
  network.on("click", function (p) {
    if (p.nodes.length) { pinNode(p.nodes[0], false); }
    else if (p.edges.length) { pinEdge(p.edges[0]); }
    else { unpin(); }
  });

  // ---- filters and legend ------------------------------------------------------
  var hidden = { groups: {}, grades: {}, bases: {} };
  function applyFilters() {
    var nodeHidden = {}, nu = [], eu = [], visibleN = 0, visibleE = 0;
    DATA.nodes.forEach(function (n) {
      var h = !!hidden.groups[n.group];
      nodeHidden[n.id] = h;
      if (!h) { visibleN++; }
      nu.push({ id: n.id, hidden: h });
    });
    DATA.edges.forEach(function (e) {
      var h = !!(hidden.grades[e.grade_tier] || hidden.bases[e.basis] || nodeHidden[e.from] || nodeHidden[e.to]);
      if (!h) { visibleE++; }
      eu.push({ id: e.id, hidden: h });
    });
    nodes.update(nu);
    edges.update(eu);
    showCounts(visibleN, visibleE);
    return { nodes: visibleN, edges: visibleE };
  }

  function shapeIcon(shape, color) {
    var svg = svgEl("svg", { width: 16, height: 16, viewBox: "0 0 16 16", "aria-hidden": "true" });
    var style = { fill: color, stroke: "#374151", "stroke-width": 1 };
    var pts = {
      diamond: "8,1 15,8 8,15 1,8", triangle: "8,1 15,14 1,14", triangleDown: "1,2 15,2 8,15",
      star: "8,1 10,6 15,6 11,9.5 12.5,15 8,11.5 3.5,15 5,9.5 1,6 6,6",
      hexagon: "4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8"
    };
    var shapeEl;
    if (shape === "square") { shapeEl = svgEl("rect", Object.assign({ x: 2, y: 2, width: 12, height: 12 }, style)); }
    else if (pts[shape]) { shapeEl = svgEl("polygon", Object.assign({ points: pts[shape] }, style)); }
    else { shapeEl = svgEl("circle", Object.assign({ cx: 8, cy: 8, r: 6 }, style)); }
    svg.appendChild(shapeEl);
    return svg;
  }
  function lineIcon(color, dashes, bar) {
    var svg = svgEl("svg", { width: 34, height: 12, viewBox: "0 0 34 12", "aria-hidden": "true" });
    var attrs = { x1: 1, y1: 6, x2: bar ? 30 : 33, y2: 6, stroke: color, "stroke-width": 2.5 };
    if (dashes) { attrs["stroke-dasharray"] = dashes.join(" "); }
    svg.appendChild(svgEl("line", attrs));
    if (bar) { svg.appendChild(svgEl("line", { x1: 31, y1: 1, x2: 31, y2: 11, stroke: color, "stroke-width": 2.5 })); }
    return svg;
  }
  function legendRow(parent, kind, key, icon, text, count) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-filter", kind);
    box.setAttribute("data-key", key);
    box.addEventListener("change", function () { hidden[kind][key] = !box.checked; applyFilters(); });
    add(label, box, icon, el("span", null, text), el("span", "count", count));
    add(parent, label);
  }
  var lg = DATA.legend;
  var groupsEl = document.getElementById("mgkg-legend-groups");
  lg.groups.forEach(function (g) { legendRow(groupsEl, "groups", g.key, shapeIcon(g.shape, g.color), g.label, g.count); });
  var gradesEl = document.getElementById("mgkg-legend-grades");
  lg.grades.forEach(function (g) {
    var text = g.label + (g.labels.length && g.labels.join(", ") !== g.label ? " (" + g.labels.join(", ") + ")" : "");
    legendRow(gradesEl, "grades", g.key, lineIcon(g.color, false, false), text, g.count);
  });
  var basesEl = document.getElementById("mgkg-legend-bases");
  lg.bases.forEach(function (b) { legendRow(basesEl, "bases", b.key, lineIcon("#4b5563", b.dashes, false), b.label, b.count); });
  var marksEl = document.getElementById("mgkg-legend-marks");
  function markRow(icon, text, count) {
    var row = el("label");
    add(row, icon, el("span", null, text), count !== undefined ? el("span", "count", count) : null);
    add(marksEl, row);
  }
  markRow(lineIcon("#4b5563", false, false), "thick: asserted as a direct edge", undefined);
  if (lg.contraindication.count) {
    markRow(lineIcon("#4b5563", false, true), lg.contraindication.mark + " " + lg.contraindication.label,
            lg.contraindication.count);
  }
  lg.verdicts.forEach(function (v) { markRow(el("span", "mark", v.mark), v.label, v.count); });
  markRow(el("span", "mark", "○"), "size: " + (DATA.size_by === "evidence" ? "number of sources" : "number of claims"),
          undefined);

  // ---- search -------------------------------------------------------------------
  var search = document.getElementById("mgkg-search");
  var results = document.getElementById("mgkg-results");
  var matches = [];
  var searchIndex = DATA.nodes.map(function (n) {
    return { id: n.id, label: n.label.toLowerCase(), words: [n.label].concat(n.synonyms || []).join(" \u0000 ").toLowerCase() };
  });
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    results.replaceChildren();
    if (!q) { results.hidden = true; matches = []; return matches; }
    matches = searchIndex.filter(function (s) { return s.words.indexOf(q) !== -1; })
      .sort(function (a, b) {
        var pa = a.label.indexOf(q) === 0 ? 0 : 1, pb = b.label.indexOf(q) === 0 ? 0 : 1;
        return pa - pb || a.label.length - b.label.length || (a.label < b.label ? -1 : 1);
      }).slice(0, 20);
    matches.forEach(function (m, i) {
      var n = nodeById[m.id];
      var li = el("li", i === 0 ? "active" : null, n.label);
      li.setAttribute("role", "option");
      li.setAttribute("data-id", n.id);
      add(li, el("span", "kind", n.types.join(", ")));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(n.id); });
      add(results, li);
    });
    if (!matches.length) { add(results, el("li", "kind", "no entity matches")); }
    results.hidden = false;
    return matches;
  }
  function choose(id) {
    results.hidden = true;
    search.value = nodeById[id].label;
    if (hidden.groups[nodeById[id].group]) {
      hidden.groups[nodeById[id].group] = false;
      var box = document.querySelector('input[data-filter="groups"][data-key="' + nodeById[id].group.replace(/[^a-z0-9-]/g, "") + '"]');
      if (box) { box.checked = true; }
      applyFilters();
    }
    pinNode(id, true);
  }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && matches.length) { ev.preventDefault(); choose(matches[0].id); }
    if (ev.key === "Escape") { results.hidden = true; }
  });
  search.addEventListener("blur", function () { results.hidden = true; });

  // ---- paths (path view) ---------------------------------------------------------
  var pathItems = [];
  function activePath(index) {
    pathItems.forEach(function (li, i) { li.className = i === index ? "active" : ""; });
    if (index === null || index === undefined) { return; }
    var p = DATA.paths[index], keepN = {}, keepE = {};
    p.node_ids.forEach(function (id) { keepN[id] = true; });
    p.edge_ids.forEach(function (id) { keepE[id] = true; });
    pinned = null;
    highlight(keepN, keepE);
  }
  if (DATA.paths.length) {
    document.getElementById("mgkg-paths").hidden = false;
    var list = document.getElementById("mgkg-path-list");
    DATA.paths.forEach(function (p, i) {
      var li = el("li", null, p.text);
      add(li, el("span", "meta", p.hops + " hop" + (p.hops === 1 ? "" : "s") + " · weakest link: " +
                  p.weakest + " · cost " + p.cost));
      li.addEventListener("click", function () { activePath(i); });
      pathItems.push(li);
      add(list, li);
    });
  }
  if (DATA.highlight.length) {
    network.selectNodes(DATA.highlight);
    if (DATA.highlight.length === 1) { pinned = { kind: "node", id: DATA.highlight[0] }; showPinned(); }
  }

  // ---- for tests, notebooks and the curious -----------------------------------
  window.mgkg = {
    network: network, nodes: nodes, edges: edges, data: DATA,
    showNodeCard: showNodeCard, showEdgeCard: showEdgeCard, pinNode: pinNode, pinEdge: pinEdge,
    unpin: unpin, applyFilters: applyFilters, search: function (q) { search.value = q; return runSearch(); },
    choose: choose, activePath: activePath, drawTimes: drawTimes,
    domPosition: function (id) {
      var pos = network.getPosition(id);
      return network.canvasToDOM(pos);
    }
  };
}());
