/* mgkg query page: run SPARQL against /sparql, show rows as a table with labels and links.
   Text from results is only ever put in the page with textContent; links are made only from
   local paths and http(s) IRIs. Served from /assets/query.js (the page's CSP allows 'self'). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("query-data").textContent);
  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query-text");
  var runButton = document.getElementById("run");
  var statusLine = document.getElementById("status");
  var description = document.getElementById("description");
  var results = document.getElementById("results");
  var links = document.getElementById("links");
  var PREFIXES = Object.assign({
    rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    rdfs: "http://www.w3.org/2000/01/rdf-schema#",
    owl: "http://www.w3.org/2002/07/owl#",
    xsd: "http://www.w3.org/2001/XMLSchema#",
    skos: "http://www.w3.org/2004/02/skos/core#",
    prov: "http://www.w3.org/ns/prov#",
    dcterms: "http://purl.org/dc/terms/",
    fabio: "http://purl.org/spar/fabio/",
    obo: "http://purl.obolibrary.org/obo/",
    mesh: "http://id.nlm.nih.gov/mesh/"
  }, data.prefixes || {});
  var SAFE_IRI = /^[^<>"{}|^`\\\s]*$/;
  var current = null;

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function setState(state, rows) {
    document.body.dataset.state = state;
    if (rows !== undefined) document.body.dataset.rows = String(rows);
  }

  function curie(iri) {
    var best = null;
    Object.keys(PREFIXES).forEach(function (p) {
      var ns = PREFIXES[p];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length && (!best || ns.length > PREFIXES[best].length)) best = p;
    });
    return best ? best + ":" + iri.slice(PREFIXES[best].length) : iri;
  }

  function href(iri) {
    var ids = data.base + "id/", onto = data.base + "ontology";
    if (iri.indexOf(ids) === 0) return "/id/" + encodeURIComponent(iri.slice(ids.length));
    if (iri === onto) return "/ontology";
    if (iri.indexOf(onto + "#") === 0) return "/ontology#" + encodeURIComponent(iri.slice(onto.length + 1));
    if (/^https?:\/\/[^\s"'<>`]+$/i.test(iri)) return iri;
    return null;
  }

  function iriCell(iri, labelTargets) {
    var cell = document.createDocumentFragment();
    var target = href(iri);
    var main = target ? el("a", curie(iri)) : el("span", curie(iri));
    if (target) {
      main.href = target;
      if (target.charAt(0) !== "/") main.rel = "noopener noreferrer";
    }
    main.className = "iri";
    main.dataset.iri = iri;
    cell.appendChild(main);
    var small = el("code", curie(iri), "curie");
    small.hidden = true;
    cell.appendChild(small);
    (labelTargets[iri] = labelTargets[iri] || []).push({ main: main, small: small });
    return cell;
  }

  function termCell(term, labelTargets) {
    var td = el("td");
    if (!term) return td;
    if (term.type === "uri") td.appendChild(iriCell(term.value, labelTargets));
    else if (term.type === "bnode") td.appendChild(el("code", "_:" + term.value));
    else if (term.type === "triple") td.appendChild(el("code", JSON.stringify(term.value)));
    else {
      td.appendChild(el("span", term.value, "literal"));
      if (term["xml:lang"]) td.appendChild(el("span", " @" + term["xml:lang"], "lang"));
      else if (term.datatype) td.appendChild(el("span", " " + curie(term.datatype), "datatype"));
    }
    return td;
  }

  function renderTable(json) {
    var labelTargets = {};
    var table = el("table", null, "data results");
    var head = el("thead"), tr = el("tr");
    json.head.vars.forEach(function (v) { tr.appendChild(el("th", "?" + v)); });
    head.appendChild(tr);
    table.appendChild(head);
    var body = el("tbody");
    json.results.bindings.forEach(function (row) {
      var r = el("tr");
      json.head.vars.forEach(function (v) { r.appendChild(termCell(row[v], labelTargets)); });
      body.appendChild(r);
    });
    table.appendChild(body);
    results.appendChild(table);
    return labelTargets;
  }

  function fetchLabels(labelTargets) {
    var iris = Object.keys(labelTargets).filter(function (i) { return SAFE_IRI.test(i); }).slice(0, 400);
    if (!iris.length) return Promise.resolve();
    var q = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?s ?label WHERE {\n  VALUES ?s { " +
      iris.map(function (i) { return "<" + i + ">"; }).join(" ") +
      " }\n  ?s rdfs:label ?label .\n  FILTER(LANG(?label) = \"\" || LANGMATCHES(LANG(?label), \"en\"))\n}";
    return post(q, "application/sparql-results+json").then(function (response) {
      if (!response.ok) return;
      return response.json().then(function (json) {
        var seen = {};
        json.results.bindings.forEach(function (b) {
          var iri = b.s.value;
          if (seen[iri]) return;
          seen[iri] = true;
          (labelTargets[iri] || []).forEach(function (t) {
            t.main.textContent = b.label.value;
            t.small.hidden = false;
          });
        });
      });
    }).catch(function () { /* labels are a nicety */ });
  }

  function post(query, accept) {
    return fetch(data.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
      body: "query=" + encodeURIComponent(query)
    });
  }

  function exampleNamed(text) {
    var names = Object.keys(data.examples);
    for (var i = 0; i < names.length; i++) if (data.examples[names[i]].text === text) return names[i];
    return null;
  }

  function shareUrl(text) {
    var name = exampleNamed(text);
    return "/query?" + (name ? "example=" + encodeURIComponent(name) : "query=" + encodeURIComponent(text));
  }

  function showLinks(text, graph) {
    links.textContent = "";
    var share = el("a", "link to this query");
    share.href = shareUrl(text);
    share.id = "share";
    links.appendChild(share);
    var formats = graph ? [["Turtle", "turtle"], ["N-Triples", "nt"], ["JSON-LD", "json-ld"], ["RDF/XML", "rdf"]]
                        : [["CSV", "csv"], ["TSV", "tsv"], ["JSON", "json"], ["XML", "xml"]];
    formats.forEach(function (f) {
      var a = el("a", f[0]);
      a.href = data.endpoint + "?query=" + encodeURIComponent(text) + "&format=" + f[1];
      links.appendChild(a);
    });
  }

  function run() {
    var text = textarea.value;
    if (!text.trim()) return;
    var started = performance.now();
    var token = {};
    current = token;
    runButton.disabled = true;
    statusLine.textContent = "running…";
    statusLine.className = "";
    results.textContent = "";
    setState("running", 0);
    try { history.replaceState(null, "", shareUrl(text)); } catch (e) { /* file: or sandboxed */ }
    post(text, "application/sparql-results+json, text/turtle;q=0.9").then(function (response) {
      var type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
      var truncated = response.headers.get("X-Result-Truncated");
      return response.text().then(function (body) {
        if (current !== token) return;
        var ms = Math.round(performance.now() - started);
        if (!response.ok) {
          statusLine.textContent = "error " + response.status + ": " + body.trim();
          statusLine.className = "error";
          setState("error", 0);
          return;
        }
        if (type === "text/turtle") {
          var lines = body.split("\n").filter(function (l) { return /\S/.test(l) && !/^@prefix/.test(l); }).length;
          results.appendChild(el("pre", body));
          statusLine.textContent = "graph answer (Turtle) in " + ms + " ms";
          showLinks(text, true);
          setState("done", lines);
          return;
        }
        var json = JSON.parse(body);
        if (typeof json.boolean === "boolean") {
          results.appendChild(el("p", json.boolean ? "true" : "false", "boolean"));
          statusLine.textContent = "ASK answer in " + ms + " ms";
          showLinks(text, false);
          setState("done", 1);
          return;
        }
        var n = json.results.bindings.length;
        var targets = renderTable(json);
        statusLine.textContent = n + " row" + (n === 1 ? "" : "s") + " in " + ms + " ms" +
          (truncated ? " (cut at the row limit)" : "");
        showLinks(text, false);
        setState("labelling", n);
        return fetchLabels(targets).then(function () { if (current === token) setState("done", n); });
      });
    }).catch(function (error) {
      statusLine.textContent = "the request failed: " + error;
      statusLine.className = "error";
      setState("error", 0);
    }).then(function () { runButton.disabled = false; });
  }

  function choose(name) {
    var example = data.examples[name];
    if (!example) return;
    textarea.value = example.text;
    description.textContent = example.description;
    Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (b) {
      b.classList.toggle("active", b.dataset.example === name);
    });
    run();
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
  });
  document.getElementById("example-list").addEventListener("click", function (event) {
    var button = event.target.closest("button.example");
    if (button) choose(button.dataset.example);
  });
  var initial = exampleNamed(textarea.value);
  if (initial) description.textContent = data.examples[initial].description;
  setState("ready", 0);
  if (data.autorun) run();
})();
