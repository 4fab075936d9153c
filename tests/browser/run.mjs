// Drives Taai's web widget in a real headless Chromium (playwright-core) against a
// running Taai server, and prints one JSON object with the result of every check.
//
//   node tests/browser/run.mjs <base_url> [--chromium /usr/bin/chromium] [--out DIR]
//
// tests/browser/test_widget.py starts the server, runs this and asserts on the JSON.
// Exit code: 0 when every check passed, 1 when one failed, 2 on a setup error.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, "../../web");
const require = createRequire(path.join(webDir, "package.json"));
const { chromium } = require("playwright-core");
const AXE_PATH = require.resolve("axe-core/axe.min.js");

const PROBLEM = "Veel jongeren in onze gemeente verlaten school zonder diploma. Wat moeten we doen?";
const MARKUP = "<img src=x onerror=alert(1)>";
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const FIRST_ANSWER_MS = 120000;
const ANSWER_MS = 60000;

function parseArgs(argv) {
  const args = { base: null, chromium: process.env.TAAI_CHROMIUM || "/usr/bin/chromium", out: null };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === "--chromium") args.chromium = argv[++i];
    else if (argv[i] === "--out") args.out = argv[++i];
    else if (!args.base) args.base = argv[i];
  }
  if (!args.base) throw new Error("usage: node run.mjs <base_url> [--chromium PATH] [--out DIR]");
  args.base = args.base.replace(/\/+$/, "");
  return args;
}

const args = parseArgs(process.argv.slice(2));
const outDir = args.out || mkdtempSync(path.join(os.tmpdir(), "taai-browser-"));
const result = {
  base_url: args.base,
  checks: [],
  dialogs: [],
  page_errors: [],
  console_errors: [],
  screenshots: [],
  session_id: null,
  feedback: null,
  axe: {},
};

let page;

async function screenshot(name) {
  if (!page) return;
  const file = path.join(outDir, `${name}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true });
    result.screenshots.push(file);
  } catch (_error) {
    // the page may be gone
  }
}

async function check(name, body) {
  const started = Date.now();
  const entry = { name, ok: false, detail: null, ms: 0 };
  try {
    const detail = await body();
    entry.ok = true;
    entry.detail = detail ?? null;
  } catch (error) {
    entry.detail = String(error && error.stack ? error.stack : error).slice(0, 2000);
    await screenshot(`failed-${name}`);
  }
  entry.ms = Date.now() - started;
  result.checks.push(entry);
  process.stderr.write(`${entry.ok ? "ok  " : "FAIL"} ${name} (${entry.ms} ms)\n`);
  return entry.ok;
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// ---- helpers in the page ------------------------------------------------------------

const botCount = () => page.evaluate(() => document.querySelectorAll(".taai__message--bot").length);
const messageCount = () => page.evaluate(() => document.querySelectorAll(".taai__message").length);

async function waitForBotMessages(count, timeout = ANSWER_MS) {
  await page.waitForFunction((n) => document.querySelectorAll(".taai__message--bot").length >= n, count, { timeout });
}

// Waits until the bot has answered and no new message came for a moment.
async function waitForAnswer(before, timeout = ANSWER_MS) {
  await waitForBotMessages(before + 1, timeout);
  let last = -1;
  for (;;) {
    const now = await botCount();
    if (now === last) break;
    last = now;
    await page.waitForTimeout(800);
  }
}

async function waitReady() {
  await page.waitForSelector('.taai[data-state="ready"]', { timeout: 30000 });
}

async function say(text) {
  const before = await botCount();
  await page.getByLabel("Je bericht", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Verstuur", exact: true }).click();
  await waitForAnswer(before);
}

async function clickReply(title, timeout = ANSWER_MS) {
  const button = page.locator(".taai__replies").getByRole("button", { name: title, exact: true });
  await button.waitFor({ state: "visible", timeout });
  const before = await botCount();
  await button.click();
  await waitForAnswer(before);
}

// Every message as "sender: text" (buttons, feedback and hidden messages left out).
function transcript() {
  return page.evaluate(() => Array.from(document.querySelectorAll(".taai__message:not([hidden])"), (m) => {
    const bubble = m.querySelector(".taai__bubble").cloneNode(true);
    bubble.querySelectorAll(".taai__replies").forEach((r) => r.remove());
    const sender = m.classList.contains("taai__message--bot") ? "bot" : "user";
    return `${sender}: ${bubble.textContent.replace(/\s+/g, " ").trim()}`;
  }));
}

const storedSessionId = () => page.evaluate(() => {
  const ids = [];
  for (let i = 0; i < localStorage.length; i += 1) {
    const key = localStorage.key(i);
    ids.push({ key, value: localStorage.getItem(key) });
  }
  return ids;
});

async function runAxe(label) {
  await page.addScriptTag({ path: AXE_PATH });
  const found = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return {
      violations: res.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
      })),
      passes: res.passes.length,
      incomplete: res.incomplete.map((v) => v.id),
    };
  }, WCAG_TAGS);
  result.axe[label] = found;
  assert(found.violations.length === 0, `axe (${label}): ${JSON.stringify(found.violations, null, 1)}`);
  return { violations: 0, incomplete: found.incomplete };
}

// ---- the run -----------------------------------------------------------------------

async function main() {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), "taai-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: args.chromium,
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage",
    ],
    viewport: { width: 1280, height: 900 },
    locale: "nl-NL",
  });
  page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(30000);
  page.on("dialog", async (dialog) => {
    result.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  page.on("pageerror", (error) => result.page_errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") result.console_errors.push(message.text());
  });
  const demoUrl = `${args.base}/webhooks/taai/demo`;

  try {
    await check("page_loads", async () => {
      const response = await page.goto(demoUrl);
      assert(response && response.status() === 200, `GET ${demoUrl}: ${response && response.status()}`);
      await waitReady();
      const log = page.locator(".taai__log");
      assert((await log.getAttribute("role")) === "log", "the conversation has role=log");
      assert((await log.getAttribute("aria-live")) === "polite", "the conversation has aria-live=polite");
      assert(await page.getByLabel("Je bericht", { exact: true }).isVisible(), "the input is labelled 'Je bericht'");
      const stored = await storedSessionId();
      assert(stored.length === 1, `localStorage holds one entry: ${JSON.stringify(stored)}`);
      assert(/^[A-Za-z0-9_-]{16,128}$/.test(stored[0].value), `session id: ${stored[0].value}`);
      result.session_id = stored[0].value;
      return { session_id: result.session_id };
    });

    await check("markdown_renderer_safe", async () => {
      const out = await page.evaluate(() => {
        const render = (text) => {
          const div = document.createElement("div");
          div.appendChild(window.TaaiWidget.renderMarkdown(text));
          return div;
        };
        const js = render("[klik](javascript:alert(1)) en [data](data:text/html,x)");
        const web = render("Zie [de wet](https://wetten.overheid.nl/BWBR0015703).");
        const inline = render("**vet** en *schuin* en _ook schuin_ maar niet snake_case_naam of 5 * 3");
        const html = render("<script>alert(1)</script><b>x</b> & <img src=x onerror=alert(2)>");
        const lists = render("Intro\n- een\n- twee\n\n1. eerste\n\n2. tweede\n\n## Kop\nTekst\n\n3. derde");
        const escaped = render("\\*geen nadruk\\* en \\[geen link\\](https://x.nl)");
        return {
          jsLinks: js.querySelectorAll("a").length,
          jsText: js.textContent,
          webHref: web.querySelector("a") && web.querySelector("a").getAttribute("href"),
          webTarget: web.querySelector("a") && web.querySelector("a").getAttribute("rel"),
          strong: inline.querySelector("strong") && inline.querySelector("strong").textContent,
          ems: Array.from(inline.querySelectorAll("em"), (e) => e.textContent),
          inlineText: inline.textContent,
          htmlElements: html.querySelectorAll("script, b, img").length,
          htmlText: html.textContent,
          ul: lists.querySelectorAll("ul > li").length,
          ol: Array.from(lists.querySelectorAll("ol"), (o) => [o.start, o.children.length]),
          heading: lists.querySelector("h3") && lists.querySelector("h3").textContent,
          escapedText: escaped.textContent,
          escapedTags: escaped.querySelectorAll("em, a").length,
        };
      });
      assert(out.jsLinks === 0 && out.jsText === "klik en data", `javascript:/data: links: ${JSON.stringify(out)}`);
      assert(out.webHref === "https://wetten.overheid.nl/BWBR0015703", `https link: ${out.webHref}`);
      assert(out.webTarget && out.webTarget.includes("noopener"), "external links get rel=noopener");
      assert(out.strong === "vet", `bold: ${out.strong}`);
      assert(JSON.stringify(out.ems) === JSON.stringify(["schuin", "ook schuin"]), `italic: ${out.ems}`);
      assert(out.inlineText.includes("snake_case_naam") && out.inlineText.includes("5 * 3"), out.inlineText);
      assert(out.htmlElements === 0, "HTML in Markdown stays text");
      assert(out.htmlText.includes("<script>alert(1)</script>"), out.htmlText);
      assert(out.ul === 2, `bullet list: ${out.ul}`);
      assert(JSON.stringify(out.ol) === JSON.stringify([[1, 2], [3, 1]]), `numbered lists: ${JSON.stringify(out.ol)}`);
      assert(out.heading === "Kop", `heading: ${out.heading}`);
      assert(out.escapedTags === 0 && out.escapedText.startsWith("*geen nadruk*"), out.escapedText);
      return out;
    });

    await check("diagnosis_conversation", async () => {
      await say(PROBLEM);
      await clickReply("Ja, grotendeels eens", FIRST_ANSWER_MS);
      await clickReply("Ja, dat is bekend");
      const bold = page.locator(".taai__message--bot strong", { hasText: "Gestructureerd" });
      await bold.first().waitFor({ state: "visible", timeout: ANSWER_MS });
      const lines = await transcript();
      const users = lines.filter((l) => l.startsWith("user: "));
      assert(users[0] === `user: ${PROBLEM}`, `first user message: ${users[0]}`);
      assert(users.includes("user: Ja, grotendeels eens") && users.includes("user: Ja, dat is bekend"),
        `button titles shown as the user's messages: ${users}`);
      assert(!lines.some((l) => l.includes("/affirm")), "payloads are not shown");
      // Each bot message is one bubble: the classification and its list stay together.
      const items = await page.evaluate(() => {
        const strong = Array.from(document.querySelectorAll(".taai__message--bot strong"))
          .find((s) => s.textContent.includes("Gestructureerd"));
        return strong.closest(".taai__message--bot").querySelectorAll("ul > li").length;
      });
      assert(items >= 3, `the classification's list is rendered as a list (${items} items)`);
      await screenshot("diagnosis");
      return { messages: lines.length, type: await bold.first().textContent() };
    });

    await check("feedback", async () => {
      const group = page.locator(".taai__feedback").last();
      await group.waitFor({ state: "visible", timeout: 10000 });
      const { index, position } = await group.evaluate((g) => {
        const wrapper = g.closest(".taai__message--bot");
        return {
          index: Number(wrapper.dataset.index),
          position: Array.from(document.querySelectorAll(".taai__message--bot")).indexOf(wrapper),
        };
      });
      assert(index === position, `message_index ${index} is the message's position ${position} among bot messages`);
      const requestPromise = page.waitForRequest((r) => r.url().endsWith("/webhooks/taai/feedback") && r.method() === "POST");
      const responsePromise = page.waitForResponse((r) => r.url().endsWith("/webhooks/taai/feedback"));
      await group.getByRole("button", { name: "Ja, nuttig", exact: true }).click();
      const request = await requestPromise;
      const response = await responsePromise;
      const body = JSON.parse(request.postData() || "{}");
      assert(body.session_id === result.session_id, `session_id ${body.session_id}`);
      assert(body.message_index === index && body.helpful === true, `body ${JSON.stringify(body)}`);
      assert(response.status() === 204, `feedback answered ${response.status()}`);
      await page.getByText("Bedankt voor je feedback").waitFor({ state: "visible", timeout: 5000 });
      result.feedback = body;
      return body;
    });

    await check("reload_continues", async () => {
      const before = await transcript();
      const bots = await botCount();
      await page.reload();
      await waitReady();
      await waitForBotMessages(bots, 20000);
      const after = await transcript();
      assert(JSON.stringify(after) === JSON.stringify(before),
        `after reload:\n${after.join("\n")}\n--- before:\n${before.join("\n")}`);
      const stored = await storedSessionId();
      assert(stored.length === 1 && stored[0].value === result.session_id, "the same session id after reload");
      assert(await page.locator(".taai__message--bot strong", { hasText: "Gestructureerd" }).first().isVisible(),
        "the classification is shown again");
      // Continue the conversation with a button of the last replayed message.
      await clickReply("Wie betrek ik?", 10000);
      const lines = await transcript();
      assert(lines.length > after.length + 1 && lines[after.length] === "user: Wie betrek ik?",
        `continued: ${lines.slice(after.length).join(" | ")}`);
      return { replayed: after.length, now: lines.length };
    });

    await check("markup_shown_as_text", async () => {
      await say(MARKUP);
      await page.waitForTimeout(1000);
      const out = await page.evaluate((markup) => {
        const users = Array.from(document.querySelectorAll(".taai__message--user .taai__bubble"));
        return {
          lastUser: users.length ? users[users.length - 1].textContent : null,
          images: document.querySelectorAll("img").length,
          shownLiterally: Array.from(document.querySelectorAll(".taai__bubble")).some((b) => b.textContent.includes(markup)),
        };
      }, MARKUP);
      assert(out.lastUser === MARKUP, `user message shown as: ${out.lastUser}`);
      assert(out.images === 0, `${out.images} img elements on the page`);
      assert(result.dialogs.length === 0, `dialogs: ${result.dialogs}`);
      return out;
    });

    await check("keyboard_only", async () => {
      // Start from nothing focused, then use only Tab, Shift+Tab, typing and Enter.
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
      let tabs = 0;
      while (tabs < 80 && !(await page.evaluate(() => document.activeElement && document.activeElement.matches(".taai__input")))) {
        await page.keyboard.press("Tab");
        tabs += 1;
      }
      assert(tabs < 80, "the input is reachable with Tab");
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert(outline !== "none", "the focused input shows a focus outline");
      const before = await botCount();
      await page.keyboard.type("Wie moet ik betrekken?");
      await page.keyboard.press("Enter");
      await waitForAnswer(before);
      const lines = await transcript();
      assert(lines.includes("user: Wie moet ik betrekken?"), "the typed message was sent with Enter");
      // Back from the input to a button in the conversation, and press it with Enter.
      // A reply button when the answer has some, else a feedback button.
      let steps = 0;
      let target = null;
      while (steps < 60) {
        await page.keyboard.press("Shift+Tab");
        steps += 1;
        target = await page.evaluate(() => {
          const a = document.activeElement;
          const wanted = document.querySelector(".taai__reply") ? ".taai__reply" : ".taai__feedback-button";
          if (!a || !a.matches(wanted)) return null;
          const style = getComputedStyle(a);
          return { text: a.textContent, reply: a.matches(".taai__reply"), outline: style.outlineStyle, width: style.outlineWidth };
        });
        if (target) break;
      }
      assert(target, "a button in the conversation is reachable with Shift+Tab");
      assert(target.outline !== "none" && parseFloat(target.width) >= 2, `focus is visible: ${JSON.stringify(target)}`);
      const bots = await botCount();
      await page.keyboard.press("Enter");
      if (target.reply) {
        await waitForAnswer(bots);
        const now = await transcript();
        assert(now.includes(`user: ${target.text}`), `pressed ${target.text}`);
      } else {
        await page.getByText("Bedankt voor je feedback").last().waitFor({ state: "visible", timeout: 5000 });
      }
      return { tabs, pressed: target.text };
    });

    await check("plan_download", async () => {
      await say("Maak het plan");
      const plan = page.locator(".taai__plan").last();
      await plan.waitFor({ state: "visible", timeout: ANSWER_MS });
      assert((await plan.getByText("Download je plan").count()) === 1, "the plan area has its heading");
      const links = await plan.locator("a").evaluateAll((as) => as.map((a) => ({ href: a.href, text: a.textContent })));
      assert(links.length === 2, `two links: ${JSON.stringify(links)}`);
      const html = links.find((l) => l.href.endsWith(".html"));
      const docx = links.find((l) => l.href.endsWith(".docx"));
      assert(html && docx, `an HTML and a Word link: ${JSON.stringify(links)}`);
      for (const link of [html, docx]) {
        assert(link.href.startsWith(`${args.base}/webhooks/taai/plan/${result.session_id}`), `link resolved against the server: ${link.href}`);
      }
      const htmlResponse = await page.request.get(html.href);
      assert(htmlResponse.status() === 200 && htmlResponse.headers()["content-type"].startsWith("text/html"), `HTML plan: ${htmlResponse.status()}`);
      assert((await htmlResponse.text()).includes("Experimentplan"), "the HTML plan has its title");
      const docxResponse = await page.request.get(docx.href);
      const bytes = await docxResponse.body();
      assert(docxResponse.status() === 200 && bytes.subarray(0, 2).toString() === "PK", `Word plan: ${docxResponse.status()}`);
      await screenshot("plan");
      return { links };
    });

    await check("reconnect", async () => {
      await page.evaluate(() => {
        window.__taaiStatus = [];
        const status = document.querySelector(".taai__status");
        new MutationObserver(() => window.__taaiStatus.push(status.textContent))
          .observe(status, { childList: true, characterData: true, subtree: true });
      });
      const count = await messageCount();
      // Drop the connection under the widget, as a network failure would.
      await page.evaluate(() => window.TaaiWidget.instances[0].socket.io.engine.close());
      await page.waitForFunction(() => window.__taaiStatus.includes("Weer verbonden"), null, { timeout: 30000 });
      const seen = await page.evaluate(() => window.__taaiStatus);
      assert(seen.includes("Verbinding verbroken, opnieuw verbinden…"), `status texts: ${seen}`);
      await page.waitForTimeout(500);
      assert((await messageCount()) === count, "nothing is shown twice after reconnecting");
      await say("Waarom?");
      assert((await messageCount()) > count + 1, "the conversation goes on after reconnecting");

      // Offline: a message typed now waits, and goes out once the session is back.
      await page.evaluate(() => {
        const io = window.TaaiWidget.instances[0].socket.io;
        io.reconnection(false);
        io.engine.close();
      });
      await page.waitForSelector('.taai[data-state="offline"]');
      const offlineCount = await messageCount();
      const bots = await botCount();
      await page.getByLabel("Je bericht", { exact: true }).fill("Wat is transdisciplinair?");
      await page.getByRole("button", { name: "Verstuur", exact: true }).click();
      await page.getByText("Je bericht wordt verstuurd zodra er weer verbinding is.").waitFor({ state: "visible" });
      await page.evaluate(() => {
        const socket = window.TaaiWidget.instances[0].socket;
        socket.io.reconnection(true);
        socket.connect();
      });
      await waitReady();
      await waitForAnswer(bots);
      await page.waitForTimeout(500);
      const lines = await transcript();
      const tail = lines.slice(offlineCount);
      assert(tail[0] === "user: Wat is transdisciplinair?" && tail.length >= 2 && tail.slice(1).every((l) => l.startsWith("bot: ")),
        `after the offline message: ${tail.join(" | ")}`);
      assert(lines.filter((l) => l === "user: Wat is transdisciplinair?").length === 1, "sent once, shown once");
      return { status: seen, offline: tail.length };
    });

    await check("axe_wcag21aa", async () => {
      const found = await runAxe("conversation");
      // Messages scrolled out of the log are clipped, so axe cannot measure their
      // contrast; once more with the whole conversation in view.
      await page.evaluate(() => { document.querySelector(".taai__log").style.maxBlockSize = "none"; });
      const expanded = await runAxe("whole log");
      await page.evaluate(() => { document.querySelector(".taai__log").style.maxBlockSize = ""; });
      return { conversation: found, expanded };
    });

    await check("reflow_320px", async () => {
      // 1280 px at 400 % zoom is 320 CSS px wide.
      await page.setViewportSize({ width: 320, height: 256 });
      await page.waitForTimeout(300);
      const out = await page.evaluate(() => {
        const root = document.querySelector(".taai");
        const input = document.querySelector(".taai__input").getBoundingClientRect();
        const send = document.querySelector(".taai__send").getBoundingClientRect();
        return {
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
          widgetRight: root.getBoundingClientRect().right,
          inputRight: input.right,
          sendRight: send.right,
          logOverflow: document.querySelector(".taai__log").scrollWidth - document.querySelector(".taai__log").clientWidth,
        };
      });
      await screenshot("reflow-320");
      assert(out.scrollWidth <= out.clientWidth, `horizontal scroll at 320 px: ${JSON.stringify(out)}`);
      assert(out.widgetRight <= 320 && out.inputRight <= 320 && out.sendRight <= 320, `fits in 320 px: ${JSON.stringify(out)}`);
      assert(out.logOverflow <= 0, `the conversation does not scroll sideways: ${JSON.stringify(out)}`);
      await runAxe("320px");
      await page.setViewportSize({ width: 1280, height: 900 });
      return out;
    });

    await check("new_conversation", async () => {
      await page.getByRole("button", { name: "Nieuw gesprek", exact: true }).click();
      await waitReady();
      assert((await messageCount()) === 0, "the log is empty");
      const stored = await storedSessionId();
      assert(stored.length === 1 && stored[0].value !== result.session_id, "a new session id");
      await page.reload();
      await waitReady();
      await page.waitForTimeout(1000);
      assert((await messageCount()) === 0, "the new conversation starts empty after reload");
      return { session_id: stored[0].value };
    });

    await check("no_script_errors", async () => {
      assert(result.page_errors.length === 0, `page errors: ${result.page_errors}`);
      assert(result.dialogs.length === 0, `dialogs: ${result.dialogs}`);
      const serious = result.console_errors.filter((e) => !/WebSocket connection .* failed/.test(e));
      assert(serious.length === 0, `console errors: ${serious}`);
      return { console_errors: result.console_errors.length };
    });
  } finally {
    await context.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

main()
  .then(() => {
    result.ok = result.checks.length > 0 && result.checks.every((c) => c.ok);
    process.stdout.write(JSON.stringify(result, null, 1) + "\n");
    process.exit(result.ok ? 0 : 1);
  })
  .catch((error) => {
    result.ok = false;
    result.error = String(error && error.stack ? error.stack : error);
    process.stdout.write(JSON.stringify(result, null, 1) + "\n");
    process.exit(2);
  });
