// Entry point of dist/taai-widget.js. Embed with one element and one script:
//
//   <div id="taai" data-server="https://taai.example.nl" data-title="Taai"></div>
//   <script src="https://taai.example.nl/webhooks/taai/static/taai-widget.js" defer></script>
//
// Every element with id="taai" or a data-taai attribute becomes a widget. The
// stylesheet next to this script (taai-widget.css) is added to the page unless the
// element says data-stylesheet="none" (or names another stylesheet).
import { renderMarkdown } from "./markdown.js";
import { TaaiWidget } from "./widget.js";

const script = document.currentScript;
const scriptSrc = script && script.src ? script.src : null;
const instances = [];

function addStylesheet(href) {
  for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
    if (link.href === href) return;
  }
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.appendChild(link);
}

function mount(host, options = {}) {
  if (!host || host.taaiWidget) return host && host.taaiWidget;
  const src = options.scriptSrc || scriptSrc;
  const sheet = options.stylesheet ?? host.dataset.stylesheet;
  if (sheet !== "none") {
    const href = sheet ? new URL(sheet, document.baseURI).href
      : src ? new URL("taai-widget.css", src).href : null;
    if (href) addStylesheet(href);
  }
  const widget = new TaaiWidget(host, { ...options, scriptSrc: src });
  host.taaiWidget = widget;
  instances.push(widget);
  return widget;
}

function mountAll() {
  for (const host of document.querySelectorAll("#taai, [data-taai]")) mount(host);
}

window.TaaiWidget = { mount, mountAll, instances, renderMarkdown };

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", mountAll);
} else {
  mountAll();
}
