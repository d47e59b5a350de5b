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
  var GRADE_RANK = {};
  S.grade_order.forEach(function (t, i) { GRADE_RANK[t] = i; });

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
    var c = e.safety ? S.safety.color : (S.grades[e.grade_tier] || S.grades.ungraded);
    return { color: c, highlight: c, hover: c, opacity: 1 };
  }
  function gradeText(e) { return (S.meters[e.grade_tier] || "") + " " + e.grade_text; }
  function edgeLabel(e) {
    var label = e.predicate.label;
    if (e.safety) { label = S.safety.mark + " " + label.toUpperCase(); }
    // a study that looked and found nothing: the line must not read as if it said "may alleviate"
    if (/no effect|inconclusive/.test(e.polarity || "")) { label += ": " + e.polarity; }
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
  function tooltip(e) {
    var box = el("div", "tip");
    add(box, el("strong", null, e.statement), el("div", null, "grade: " + gradeText(e)));
    if (e.safety) { add(box, el("div", "tip-safety", S.safety.mark + " safety warning")); }
    (e.commercial || []).forEach(function (c) { add(box, el("div", "tip-money", "$ " + c)); });
    return box;
  }
  function visEdge(e) {
    var v = { id: e.id, from: e.from, to: e.to, color: edgeColor(e),
              dashes: e.safety ? false : (S.bases[e.basis] || false),
              width: e.safety ? S.safety.width : (e.asserted_as_edge ? 3 : 1.5),
              arrows: { to: { enabled: true, type: e.contraindication ? S.contraindication.arrow : "arrow",
                              scaleFactor: 0.6 } },
              font: { color: e.safety ? S.safety.color : "#374151" } };
    if (e.safety) { v.font = { color: S.safety.color, size: 13, face: "system-ui", vadjust: 0 }; }
    if (DATA.edge_labels) { v.label = edgeLabel(e); }
    if (!LARGE || (e.commercial && e.commercial.length)) { v.title = tooltip(e); }
    return v;
  }
  function visLink(l) {
    return { id: l.id, from: l.from, to: l.to, label: "$ " + l.label, dashes: [4, 4], width: 2,
             color: { color: "#9d174d", highlight: "#9d174d", hover: "#9d174d" },
             arrows: { to: { enabled: true, scaleFactor: 0.5 } }, font: { color: "#9d174d", size: 12 } };
  }

  var nodes = new vis.DataSet(DATA.nodes.map(visNode));
  var edges = new vis.DataSet(DATA.edges.map(visEdge).concat((DATA.links || []).map(visLink)));
  var container = document.getElementById("mgkg-network");
  var options = {
    autoResize: true,
    nodes: { borderWidth: 1, font: { size: 26, strokeWidth: 4, strokeColor: "#ffffff", color: "#111827" },
             scaling: { min: 10, max: 40, label: { enabled: true, min: 24, max: 36, drawThreshold: LARGE ? 8 : 5 } } },
    edges: { smooth: LARGE ? false : { enabled: true, type: "continuous", roundness: 0.3 },
             font: { size: 14, strokeWidth: 4, strokeColor: "#ffffff", align: "middle" },
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
    document.getElementById("mgkg-loading").hidden = true;
    readableZoom();
    document.body.setAttribute("data-nodes", String(nodes.length));
    document.body.setAttribute("data-edges", String(DATA.edges.length));
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
  // The counts say what they count, so every page can agree: claims drawn as lines plus
  // claims that state a value (those are on their entity's card) make all the claims.
  function showCounts(visibleNodes, visibleEdges) {
    var c = DATA.counts;
    var text = c.nodes + " entities · " + (c.edges + c.values) + " claims (" + c.edges + " drawn as lines" +
      (c.values ? ", " + c.values + " state a value" : "") + ")";
    if (c.safety) { text += " · " + S.safety.mark + " " + c.safety + " safety"; }
    if (visibleNodes !== c.nodes || visibleEdges !== c.edges) {
      text += " · showing " + visibleNodes + " entities, " + visibleEdges + " lines";
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
    return isPinned ? el("p", "pinned", "pinned · Escape or a click on the background closes it") : null;
  }

  function cardStart(kind, id, isPinned, heading) {
    card.replaceChildren();
    card.setAttribute("data-kind", kind);
    card.setAttribute("data-id", id);
    document.body.classList.add("has-card");
    var close = el("button", "close", "Close card");
    close.type = "button";
    close.addEventListener("click", function () { unpin(); network.unselectAll(); });
    var h = el("h2", "label", heading);
    h.id = "mgkg-card-heading";
    h.tabIndex = -1;
    add(card, close, pinnedNote(isPinned), h);
    card.scrollTop = 0; // a new card opens at its heading, never at the old card's scroll position
    return h;
  }
  function answerBox(s, lead) {
    var box = el("div", "answer" + (s.evidence_class === "safety" ? " answer-safety" : ""));
    if (lead) { add(box, el("p", "answer-lead", lead)); }
    add(box, el("p", "answer-text", s.answer || s.plain || ""));
    return box;
  }
  function moneyBox(notes) {
    if (!notes || !notes.length) { return null; }
    var box = el("div", "money");
    add(box, el("strong", null, "$ Money involved: "));
    add(box, notes.join("; ") + ".");
    return box;
  }
  function gradeBadge(e) {
    var b = badge((S.meters[e.grade_tier] || "") + " " + e.grade_text, S.grades[e.grade_tier] || S.grades.ungraded);
    return b;
  }
  function claimButton(e) {
    var b = el("button", "linklike", e.statement);
    b.type = "button";
    b.addEventListener("click", function () { pinEdge(e.id, true); });
    return b;
  }
  // The relations touching an entity, each with its evidence summary: safety first, then the
  // relation the best evidence bears on (it answers "does X help Y?"), then the rest.
  function relationsOf(id) {
    var groups = [], byRelation = {};
    (edgesOf[id] || []).forEach(function (eid) {
      var e = edgeById[eid];
      var key = e.summary ? e.summary.iri : "claim:" + eid;
      if (!byRelation[key]) { byRelation[key] = { summary: e.summary, edges: [], safety: false, first: e }; groups.push(byRelation[key]); }
      byRelation[key].edges.push(e);
      byRelation[key].safety = byRelation[key].safety || e.safety;
    });
    function rank(g) { return g.summary ? GRADE_RANK[g.summary.certainty_tier] : GRADE_RANK.ungraded; }
    groups.sort(function (a, b) {
      return (b.safety ? 1 : 0) - (a.safety ? 1 : 0) ||
        (b.summary && b.summary.asserts_edge ? 1 : 0) - (a.summary && a.summary.asserts_edge ? 1 : 0) ||
        rank(a) - rank(b) || (a.first.statement < b.first.statement ? -1 : 1);
    });
    return groups;
  }
  function relationText(e) { return e.subject.label + " → " + e.predicate.label + " → " + e.object.label; }

  function showNodeCard(id, isPinned) {
    var n = nodeById[id];
    if (!n) { return; }
    cardStart("node", id, isPinned, n.label);
    add(card, el("p", "kind", (n.types.length ? n.types.join(", ") : "entity") + " · " + n.curie));
    var groups = relationsOf(id);
    var safetyGroups = groups.filter(function (g) { return g.safety; });
    if (safetyGroups.length) {
      var warn = el("div", "safety");
      add(warn, el("h3", "safety-title", S.safety.mark + " Safety: " + safetyGroups.length + " warning" +
                   (safetyGroups.length === 1 ? "" : "s")));
      var wl = el("ul", "safety-list");
      safetyGroups.forEach(function (g) {
        var li = el("li");
        add(li, claimButton(g.first));
        add(wl, li);
      });
      add(warn, wl);
      add(card, warn);
    }
    var answerable = groups.filter(function (g) { return !g.safety && g.summary && g.summary.answer; });
    if (answerable.length) {
      var best = answerable[0];
      var lead = relationText(best.first);
      if (answerable.length > 1) { lead = "Best-supported of " + answerable.length + " relations: " + lead; }
      add(card, answerBox(best.summary, lead));
      var doses = [];
      best.edges.forEach(function (e) {
        [e.dose_note].concat(e.evidence.map(function (x) { return x.dose_note; })).forEach(function (d) {
          if (d && doses.indexOf(d) === -1) { doses.push(d); }
        });
      });
      doses.forEach(function (d) { add(card, el("p", "dose", S.safety.mark + " " + d)); });
    }
    var paid = (edgesOf[id] || []).filter(function (eid) { return edgeById[eid].commercial.length; });
    var notes = n.commercial.slice();
    if (paid.length) {
      notes.push(paid.length + " of its claims " + (paid.length === 1 ? "comes " : "come ") + edgeById[paid[0]].commercial[0]);
    }
    add(card, moneyBox(notes));
    if (n.definition) { add(card, el("p", "definition", n.definition)); }
    if (n.synonyms && n.synonyms.length) { add(card, el("p", "synonyms", "Also called: " + n.synonyms.join(", "))); }
    var mine = edgesOf[id] || [];
    var values = n.attributes.length;
    add(card, section(mine.length + values + " claim" + (mine.length + values === 1 ? "" : "s") +
                      (values ? " (" + mine.length + " drawn as lines, " + values + " state a value)" : "") +
                      " · " + groups.length + " relation" + (groups.length === 1 ? "" : "s")));
    var list = el("ul", "claims");
    groups.forEach(function (g) {
      var li = el("li", "relation" + (g.safety ? " relation-safety" : ""));
      var head = el("p", "relation-summary");
      add(head, el("strong", null, (g.safety ? S.safety.mark + " " : "") + relationText(g.first) + ": "));
      if (g.summary) { add(head, g.summary.answer || g.summary.plain || ""); }
      add(li, head);
      var claimsOf = el("ul");
      g.edges.forEach(function (e) {
        var item = el("li");
        var meta = gradeText(e);
        if (e.verdicts.length) {
          meta += " · citation: " + e.verdicts.map(function (v) { return (S.verdicts[v.tier] || "") + " " + v.label; }).join(", ");
        }
        if (e.commercial.length) { meta += " · $ commission"; }
        add(item, claimButton(e), " ", el("span", "kind", "(" + meta + ")"));
        add(claimsOf, item);
      });
      add(li, claimsOf);
      add(list, li);
    });
    add(card, list);
    if (values) {
      var attrs = el("ul");
      n.attributes.forEach(function (a) { add(attrs, el("li", null, a.name + ": " + a.value + " (" + a.basis + ")")); });
      add(card, section("Values stated about it"), attrs);
    }
    if (n.external_ids.length) {
      var ids = el("p", "ids");
      n.external_ids.forEach(function (x) {
        add(ids, link(x.id + (x.match === "close" ? " (close match)" : ""), x.url), " ");
      });
      add(card, section("External identifiers"), ids);
    }
    if (n.note) { add(card, section("Identifier note"), el("p", "note", n.note)); }
  }

  // What the whole body of evidence on the relation says, after the answer.
  function summaryBlock(s) {
    var box = el("div", "summary");
    add(box, section("What the evidence says about this relation"));
    var verdict = el("p", "fact");
    add(verdict, badge(s.asserts_edge ? "✓ a fact in this graph" : "✗ not a fact in this graph",
                       s.asserts_edge ? "#15803d" : "#4b5563"));
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
    cardStart("edge", id, isPinned, (e.safety ? S.safety.mark + " " : "") + relationText(e));
    if (e.summary) { add(card, answerBox(e.summary, null)); }
    if (e.safety) {
      var warn = el("div", "safety");
      add(warn, el("p", "safety-title", S.safety.mark + " Safety warning: talk to a clinician first."));
      add(card, warn);
    }
    if (e.dose_note) { add(card, el("p", "dose", S.safety.mark + " " + e.dose_note)); }
    add(card, moneyBox(e.commercial));
    add(card, section("This claim"));
    add(card, el("p", "statement", e.statement));
    var gp = el("p", "grade");
    add(gp, gradeBadge(e));
    var gradeDefinition = e.grade ? (e.grade.definition || DATA.grade_definitions[e.grade.label]) : null;
    if (e.grade_text !== (e.grade && e.grade.label)) {
      add(gp, "This is a study's own result: it found no effect, which counts against the relation.");
    } else if (gradeDefinition) { add(gp, gradeDefinition); }
    if (!e.grade) { add(gp, "No grade is recorded for this claim."); }
    add(card, gp);
    if (e.hedge) { add(card, el("p", "hedge", "The source hedges: “" + e.hedge + "”")); }
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
    add(card, el("p", "kind", "claim · " + e.curie));
    if (e.summary) { add(card, summaryBlock(e.summary)); }
    if (e.grade && e.grade.reasons.length) {
      var why = el("ul", "why");
      e.grade.reasons.forEach(function (r) { add(why, el("li", null, r)); });
      add(card, section("Why this claim's grade"), why);
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
        var meta = [x.stance, x.directness, x.grade ? "grade " + x.grade : null].filter(Boolean).join(" · ");
        if (meta) { add(li, el("div", "kind", meta)); }
        if (x.dose_note) { add(li, el("div", "dose", S.safety.mark + " " + x.dose_note)); }
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
  function focusHeading() {
    var h = document.getElementById("mgkg-card-heading");
    if (h) { h.focus({ preventScroll: true }); card.scrollTop = 0; }
  }
  function pinNode(id, focus, moveFocus) {
    pinned = { kind: "node", id: id };
    network.selectNodes([id]);
    if (focus) { network.focus(id, { scale: Math.max(network.getScale(), 0.9), animation: false }); }
    neighbourhood(id);
    showNodeCard(id, true);
    if (moveFocus) { focusHeading(); }
  }
  function pinEdge(id, moveFocus) {
    var e = edgeById[id];
    pinned = { kind: "edge", id: id };
    network.setSelection({ nodes: [], edges: [id] });
    var keepN = {}, keepE = {};
    keepN[e.from] = true; keepN[e.to] = true; keepE[id] = true;
    highlight(keepN, keepE);
    showEdgeCard(id, true);
    if (moveFocus) { focusHeading(); }
  }
  function unpin() {
    pinned = null;
    network.unselectAll();
    highlight(null, null);
    activePath(null);
    showStart();
  }

  network.on("hoverNode", function (p) { showNodeCard(p.node, false); });
  network.on("hoverEdge", function (p) { if (edgeById[p.edge]) { showEdgeCard(p.edge, false); } });
  network.on("blurNode", function () { if (pinned) { showPinned(); } else { showStart(); } });
  network.on("blurEdge", function () { if (pinned) { showPinned(); } else { showStart(); } });
  // A tap opens the card as a bottom sheet under the finger on a phone: the browser's click
  // that follows the tap must not land on a button of the new sheet.
  function shieldCard() {
    card.style.pointerEvents = "none";
    window.setTimeout(function () { card.style.pointerEvents = ""; }, 450);
  }
  network.on("click", function (p) {
    if (p.nodes.length || p.edges.length) { shieldCard(); }
    if (p.nodes.length) { pinNode(p.nodes[0], false); }
    else if (p.edges.length && edgeById[p.edges[0]]) { pinEdge(p.edges[0]); }
    else { unpin(); }
  });

  // ---- filters and legend ------------------------------------------------------
  var hidden = { groups: {}, grades: {}, bases: {} };
  var onlySafety = false;
  var safetyNodes = {};
  DATA.edges.forEach(function (e) { if (e.safety) { safetyNodes[e.from] = true; safetyNodes[e.to] = true; } });
  function applyFilters() {
    var nodeHidden = {}, nu = [], eu = [], visibleN = 0, visibleE = 0;
    DATA.nodes.forEach(function (n) {
      var h = !!hidden.groups[n.group] || (onlySafety && !safetyNodes[n.id]);
      nodeHidden[n.id] = h;
      if (!h) { visibleN++; }
      nu.push({ id: n.id, hidden: h });
    });
    DATA.edges.forEach(function (e) {
      var h = !!(hidden.grades[e.grade_tier] || hidden.bases[e.basis] || nodeHidden[e.from] || nodeHidden[e.to] ||
                 (onlySafety && !e.safety));
      if (!h) { visibleE++; }
      eu.push({ id: e.id, hidden: h });
    });
    (DATA.links || []).forEach(function (l) { eu.push({ id: l.id, hidden: !!(nodeHidden[l.from] || nodeHidden[l.to]) }); });
    nodes.update(nu);
    edges.update(eu);
    showCounts(visibleN, visibleE);
    fillTable();
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
    var icon = el("span", "legend-grade");
    add(icon, lineIcon(g.color, false, false), el("span", "meter", S.meters[g.key] || ""));
    legendRow(gradesEl, "grades", g.key, icon, text, g.count);
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
  if (DATA.counts.safety) {
    var safetyIcon = svgEl("svg", { width: 34, height: 12, viewBox: "0 0 34 12", "aria-hidden": "true" });
    safetyIcon.appendChild(svgEl("line", { x1: 1, y1: 6, x2: 33, y2: 6, stroke: S.safety.color, "stroke-width": 5 }));
    markRow(safetyIcon, S.safety.mark + " red and bold: a safety warning", DATA.counts.safety);
  }
  if (DATA.links && DATA.links.length) {
    markRow(lineIcon("#9d174d", [4, 4], false), "$ money: a commercial relationship and what it earns on", DATA.links.length);
  }
  if (lg.contraindication.count) {
    markRow(lineIcon("#4b5563", false, true), lg.contraindication.mark + " " + lg.contraindication.label,
            lg.contraindication.count);
  }
  lg.verdicts.forEach(function (v) { markRow(el("span", "mark", v.mark), v.label, v.count); });
  markRow(el("span", "mark", "○"), "size: " + (DATA.size_by === "evidence" ? "number of sources" : "number of claims"),
          undefined);

  // ---- search -------------------------------------------------------------------
  // Entities by label and synonym, plus the words learners use ("upper limit", "safety",
  // "side effects", "kidney"): those offer the Safety view first, then the entities they mean.
  var search = document.getElementById("mgkg-search");
  var results = document.getElementById("mgkg-results");
  var matches = [], activeMatch = 0;
  var searchIndex = DATA.nodes.map(function (n) {
    return { id: n.id, label: n.label.toLowerCase(),
             words: [n.label].concat(n.synonyms || []).concat([n.definition || ""]).join(" \u0000 ").toLowerCase() };
  });
  function entityMatches(q, inDefinition) {
    return searchIndex.filter(function (s) {
      var text = inDefinition ? s.words : s.words.split(" \u0000 ").slice(0, -1).join(" \u0000 ");
      return text.indexOf(q) !== -1;
    });
  }
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    results.replaceChildren();
    activeMatch = 0;
    if (!q) { results.hidden = true; search.setAttribute("aria-expanded", "false"); matches = []; return matches; }
    var found = entityMatches(q, false), synonym = DATA.synonyms[q], view = null;
    if (synonym) {
      view = synonym.view || null;
      synonym.words.forEach(function (w) {
        entityMatches(w.toLowerCase(), true).forEach(function (m) { if (found.indexOf(m) === -1) { found.push(m); } });
      });
    }
    found.sort(function (a, b) {
      var pa = a.label.indexOf(q) === 0 ? 0 : 1, pb = b.label.indexOf(q) === 0 ? 0 : 1;
      return pa - pb || a.label.length - b.label.length || (a.label < b.label ? -1 : 1);
    });
    matches = (view ? [{ view: view }] : []).concat(found.slice(0, 20).map(function (m) { return { id: m.id }; }));
    matches.forEach(function (m, i) {
      var li;
      if (m.view) {
        li = el("li", "view-option", m.view === "safety" ? S.safety.mark + " Safety view: every warning" : "$ Money: the affiliate relationship");
      } else {
        var n = nodeById[m.id];
        li = el("li", null, n.label);
        add(li, el("span", "kind", n.types.join(", ")));
        li.setAttribute("data-id", n.id);
      }
      li.id = "mgkg-match-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", i === 0 ? "true" : "false");
      if (i === 0) { li.classList.add("active"); }
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(m); });
      add(results, li);
    });
    if (!matches.length) { add(results, el("li", "kind", "no entity matches")); }
    results.hidden = false;
    search.setAttribute("aria-expanded", "true");
    if (matches.length) { search.setAttribute("aria-activedescendant", "mgkg-match-0"); }
    return matches;
  }
  function moveMatch(step) {
    if (!matches.length) { return; }
    activeMatch = (activeMatch + step + matches.length) % matches.length;
    Array.prototype.forEach.call(results.children, function (li, i) {
      li.classList.toggle("active", i === activeMatch);
      li.setAttribute("aria-selected", i === activeMatch ? "true" : "false");
    });
    search.setAttribute("aria-activedescendant", "mgkg-match-" + activeMatch);
    results.children[activeMatch].scrollIntoView({ block: "nearest" });
  }
  function pick(m) {
    results.hidden = true;
    search.setAttribute("aria-expanded", "false");
    if (m.view === "safety") { setView("safety"); return; }
    if (m.view === "money") {
      var rel = DATA.nodes.find(function (n) { return n.group === "commercial"; });
      if (rel) { choose(rel.id, true); }
      return;
    }
    choose(m.id, true);
  }
  function choose(id, moveFocus) {
    results.hidden = true;
    search.value = nodeById[id].label;
    if (hidden.groups[nodeById[id].group]) {
      hidden.groups[nodeById[id].group] = false;
      var box = document.querySelector('input[data-filter="groups"][data-key="' + nodeById[id].group.replace(/[^a-z0-9-]/g, "") + '"]');
      if (box) { box.checked = true; }
      applyFilters();
    }
    if (currentView === "table") { setView("graph"); }
    pinNode(id, true, moveFocus);
  }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { ev.preventDefault(); moveMatch(1); }
    if (ev.key === "ArrowUp") { ev.preventDefault(); moveMatch(-1); }
    if (ev.key === "Enter" && matches.length) { ev.preventDefault(); pick(matches[activeMatch]); }
    if (ev.key === "Escape") { results.hidden = true; search.setAttribute("aria-expanded", "false"); }
  });
  search.addEventListener("blur", function () { results.hidden = true; search.setAttribute("aria-expanded", "false"); });

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

  // ---- the start panel: a guided way in ---------------------------------------------
  function questionButton(q) {
    var b = el("button", "question", q.question);
    b.type = "button";
    b.addEventListener("click", function () { startQuestion(q); });
    return b;
  }
  function startQuestion(q) {
    hideHelp();
    if (q.view) { setView(q.view); return; }
    var target = DATA.nodes.find(function (n) { return n.label.toLowerCase() === q.focus.toLowerCase(); });
    if (target) { choose(target.id, true); }
  }
  function questionList(className) {
    var ul = el("ul", className);
    DATA.questions.forEach(function (q) {
      if (q.focus && !DATA.nodes.some(function (n) { return n.label.toLowerCase() === q.focus.toLowerCase(); })) { return; }
      var li = el("li");
      add(li, questionButton(q), el("span", "kind", q.hint));
      add(ul, li);
    });
    return ul;
  }
  function showStart() {
    card.replaceChildren();
    card.setAttribute("data-kind", "start");
    card.removeAttribute("data-id");
    document.body.classList.remove("has-card");
    add(card, el("h2", null, "Start with a question"));
    add(card, questionList("questions"));
    add(card, el("p", "kind", "Or hover, click or tap any entity or line. “How to read this” explains the colours and words."));
  }

  // ---- views: graph, safety, claims table ------------------------------------------
  var currentView = "graph";
  var viewButtons = { graph: "mgkg-view-graph", safety: "mgkg-view-safety", table: "mgkg-view-table" };
  var safetyBox = document.getElementById("mgkg-only-safety");
  function setView(view) {
    currentView = view;
    Object.keys(viewButtons).forEach(function (k) {
      document.getElementById(viewButtons[k]).setAttribute("aria-pressed", k === view ? "true" : "false");
    });
    document.body.setAttribute("data-view", view);
    onlySafety = view === "safety" || (view === "table" && safetyBox.checked);
    if (view !== "table") { safetyBox.checked = view === "safety"; }
    applyFilters();
    if (view === "safety") {
      unpin();
      var keepN = {}, keepE = {};
      DATA.edges.forEach(function (e) { if (e.safety) { keepE[e.id] = true; keepN[e.from] = true; keepN[e.to] = true; } });
      network.fit({ nodes: Object.keys(keepN), animation: false });
      showSafetyCard();
    }
    if (view === "table") { document.getElementById("mgkg-table-section").focus(); }
    if (view === "graph") { network.fit({ animation: false }); readableZoom(); }
  }
  function showSafetyCard() {
    var h = cardStart("safety", "safety", true, S.safety.mark + " Safety: every warning in this view");
    var list = DATA.edges.filter(function (e) { return e.safety; });
    add(card, el("p", "answer-text", list.length + " safety claim" + (list.length === 1 ? "" : "s") +
                 ": contraindications, interactions, side effects and upper limits. Open one to see what it " +
                 "rests on: a public reference, a product label, a study or only the page."));
    var ul = el("ul", "safety-list");
    list.forEach(function (e) {
      var li = el("li", "relation-safety");
      add(li, claimButton(e), " ", el("span", "kind", "(" + relationText(e) + ")"));
      add(ul, li);
    });
    add(card, ul);
    h.focus({ preventScroll: true });
  }
  Object.keys(viewButtons).forEach(function (k) {
    document.getElementById(viewButtons[k]).addEventListener("click", function () { setView(k); });
  });
  safetyBox.addEventListener("change", function () {
    if (currentView === "table") { onlySafety = safetyBox.checked; applyFilters(); }
    else { setView(safetyBox.checked ? "safety" : "graph"); }
  });

  // ---- the claims table: the graph as text, sortable --------------------------------
  var table = document.getElementById("mgkg-table");
  var COLUMNS = [
    { key: "subject", title: "Entity", value: function (e) { return e.subject.label; } },
    { key: "relation", title: "Relation", value: function (e) { return e.predicate.label; } },
    { key: "object", title: "Entity", value: function (e) { return e.object.label; } },
    { key: "grade", title: "Grade", value: function (e) { return GRADE_RANK[e.grade_tier]; },
      text: function (e) { return gradeText(e); } },
    { key: "safety", title: "Safety", value: function (e) { return e.safety ? 0 : 1; },
      text: function (e) { return e.safety ? S.safety.mark + " warning" : ""; } },
    { key: "rests", title: "Rests on", value: function (e) { return e.rests_on.map(function (k) { return S.kinds[k] || k; }).join(", "); } },
    { key: "sources", title: "Sources", value: function (e) {
      return e.sources.map(function (s) { return DATA.sources[s].label; }).join("; ") +
        (e.commercial.length ? " ($ " + e.commercial.join("; ") + ")" : ""); } }
  ];
  var sortKey = "safety", sortUp = true;
  function fillTable() {
    var head = table.tHead, body = table.tBodies[0];
    head.replaceChildren();
    body.replaceChildren();
    var tr = el("tr");
    COLUMNS.forEach(function (c) {
      var th = el("th");
      th.scope = "col";
      th.setAttribute("aria-sort", c.key === sortKey ? (sortUp ? "ascending" : "descending") : "none");
      var b = el("button", "sort", c.title + (c.key === sortKey ? (sortUp ? " ▲" : " ▼") : ""));
      b.type = "button";
      b.addEventListener("click", function () {
        if (sortKey === c.key) { sortUp = !sortUp; } else { sortKey = c.key; sortUp = true; }
        fillTable();
        table.querySelector('th[aria-sort]:not([aria-sort="none"]) button').focus();
      });
      add(th, b);
      add(tr, th);
    });
    add(tr, el("th", null, "Card"));
    add(head, tr);
    var col = COLUMNS.find(function (c) { return c.key === sortKey; });
    var rows = DATA.edges.filter(function (e) { return !edgeHiddenNow(e); });
    rows.sort(function (a, b) {
      var x = col.value(a), y = col.value(b);
      var r = x < y ? -1 : x > y ? 1 : (GRADE_RANK[a.grade_tier] - GRADE_RANK[b.grade_tier]) || (a.statement < b.statement ? -1 : 1);
      return sortUp ? r : -r;
    });
    rows.forEach(function (e) {
      var row = el("tr", e.safety ? "row-safety" : null);
      row.setAttribute("data-id", e.id);
      COLUMNS.forEach(function (c) {
        var td = el("td", "col-" + c.key, c.text ? c.text(e) : c.value(e));
        add(row, td);
      });
      var open = el("button", "linklike", "open");
      open.type = "button";
      open.setAttribute("aria-label", "open the card of: " + e.statement);
      open.addEventListener("click", function () { pinEdge(e.id, true); });
      var td = el("td");
      add(td, open);
      add(row, td);
      add(body, row);
    });
    document.getElementById("mgkg-table-title").textContent = "Every claim in this view (" + rows.length + ")";
  }
  function edgeHiddenNow(e) {
    var item = edges.get(e.id);
    return !!(item && item.hidden);
  }
  document.querySelector("a.skip").addEventListener("click", function (ev) { ev.preventDefault(); setView("table"); });

  // ---- keyboard on the canvas --------------------------------------------------------
  var cursor = null;
  function neighbourIn(id, key) {
    var from = network.getPosition(id), best = null, bestScore = Infinity;
    var dir = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[key];
    (edgesOf[id] || []).forEach(function (eid) {
      var e = edgeById[eid], other = e.from === id ? e.to : e.from;
      if (other === id || nodes.get(other).hidden) { return; }
      var p = network.getPosition(other), dx = p.x - from.x, dy = p.y - from.y;
      var along = dx * dir[0] + dy * dir[1], across = Math.abs(dx * dir[1] - dy * dir[0]);
      if (along <= 0) { return; }
      var score = along + 2 * across;
      if (score < bestScore) { bestScore = score; best = other; }
    });
    return best;
  }
  function moveCursor(id) {
    cursor = id;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 0.6), animation: false });
    showNodeCard(id, false);
    container.setAttribute("aria-label", "Graph. Selected: " + nodeById[id].label + ", " + (edgesOf[id] || []).length +
                           " claims. Arrow keys move to a neighbour, Enter opens the card.");
  }
  function startNode() {
    if (DATA.highlight.length) { return DATA.highlight[0]; }
    return DATA.nodes.slice().sort(function (a, b) { return b.degree - a.degree; })[0].id;
  }
  container.addEventListener("keydown", function (ev) {
    if (!DATA.nodes.length) { return; }
    if (ev.key.indexOf("Arrow") === 0) {
      ev.preventDefault();
      if (!cursor) { moveCursor(startNode()); return; }
      var next = neighbourIn(cursor, ev.key);
      if (next) { moveCursor(next); }
    } else if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      pinNode(cursor || startNode(), false, true);
    } else if (ev.key === "+" || ev.key === "=") {
      network.moveTo({ scale: network.getScale() * 1.25 });
    } else if (ev.key === "-" || ev.key === "_") {
      network.moveTo({ scale: network.getScale() / 1.25 });
    }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape" || ev.target === search) { return; }
    if (!document.getElementById("mgkg-help").hidden) { hideHelp(); return; }
    if (document.body.classList.contains("drawer-open")) { toggleDrawer(false); return; }
    if (pinned || document.body.classList.contains("has-card")) {
      var back = cursor ? container : null;
      unpin();
      if (back) { back.focus(); }
    }
  });

  // ---- help panel and filters drawer ------------------------------------------------
  var help = document.getElementById("mgkg-help");
  var helpButton = document.getElementById("mgkg-help-button");
  var glossary = document.getElementById("mgkg-glossary");
  DATA.glossary.forEach(function (g) { add(glossary, el("dt", null, g.term), el("dd", null, g.meaning)); });
  add(help, el("h3", null, "Start with a question"), questionList("questions"));
  if (DATA.nav.length) {
    var more = el("p");
    var a = el("a", null, "The glossary as a page");
    a.href = "/glossary";
    add(more, a);
    add(help, more);
  }
  function hideHelp() {
    help.hidden = true;
    helpButton.setAttribute("aria-expanded", "false");
  }
  helpButton.addEventListener("click", function () {
    var open = help.hidden;
    help.hidden = !open;
    helpButton.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { document.getElementById("mgkg-help-title").focus(); }
  });
  document.getElementById("mgkg-help-close").addEventListener("click", function () { hideHelp(); helpButton.focus(); });
  var filtersButton = document.getElementById("mgkg-filters-button");
  function toggleDrawer(open) {
    document.body.classList.toggle("drawer-open", open);
    filtersButton.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { document.getElementById("mgkg-side-close").focus(); } else { filtersButton.focus(); }
  }
  filtersButton.addEventListener("click", function () { toggleDrawer(!document.body.classList.contains("drawer-open")); });
  document.getElementById("mgkg-side-close").addEventListener("click", function () { toggleDrawer(false); });

  // Labels must be readable at first load: never start zoomed out below this scale.
  function readableZoom() {
    var minScale = 0.55;
    if (network.getScale() >= minScale || !DATA.nodes.length) { return; }
    var center = DATA.highlight.length ? network.getPosition(DATA.highlight[0]) : network.getViewPosition();
    network.moveTo({ position: center, scale: minScale, animation: false });
  }

  if (!pinned) { showStart(); }
  fillTable();
  if (DATA.start_view && DATA.start_view !== "graph") {
    if (ready) { setView(DATA.start_view); } else { network.once("afterDrawing", function () { setView(DATA.start_view); }); }
  }

  // ---- for tests, notebooks and the curious -----------------------------------
  window.mgkg = {
    network: network, nodes: nodes, edges: edges, data: DATA,
    showNodeCard: showNodeCard, showEdgeCard: showEdgeCard, pinNode: pinNode, pinEdge: pinEdge,
    unpin: unpin, applyFilters: applyFilters, setView: setView, search: function (q) { search.value = q; return runSearch(); },
    choose: choose, activePath: activePath, drawTimes: drawTimes,
    domPosition: function (id) {
      var pos = network.getPosition(id);
      return network.canvasToDOM(pos);
    }
  };
}());
