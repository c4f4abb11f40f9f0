"""The chat's look: theme, styles and the small script that makes citation markers jump to their source."""

from __future__ import annotations

import gradio as gr

_ARABIC_FONTS = [
    "Noto Naskh Arabic",
    "Noto Sans Arabic",
    "Amiri",
    "Scheherazade New",
    "Segoe UI",
    "Tahoma",
    "DejaVu Sans",
    "sans-serif",
]

# Only fonts installed on the machine (no web fonts: the chat works offline).
THEME = gr.themes.Soft(
    primary_hue="teal",
    secondary_hue="amber",
    neutral_hue="slate",
    font=["Inter", "Segoe UI", "Noto Sans", "DejaVu Sans", "system-ui", "sans-serif"],
    font_mono=["DejaVu Sans Mono", "monospace"],
)

_AR = ", ".join(f'"{f}"' if " " in f else f for f in _ARABIC_FONTS)

CSS = f"""
.gradio-container {{ max-width: 1400px !important; margin: 0 auto; }}
#isnad-top {{ align-items: center; }}
.isnad-brand {{ display: flex; align-items: baseline; gap: .6rem; flex-wrap: wrap; padding: .2rem 0; }}
.isnad-logo {{ font-family: {_AR}; font-size: 2rem; font-weight: 700; color: var(--color-accent); }}
.isnad-latin {{ font-size: 1.3rem; font-weight: 600; color: var(--body-text-color-subdued); }}
.isnad-tagline {{ flex-basis: 100%; color: var(--body-text-color-subdued); font-size: .95rem; }}
.isnad-tagline[lang=ar] {{ font-family: {_AR}; text-align: right; font-size: 1.02rem; }}

/* messages: each one laid out by its own language */
.isnad-msg {{ line-height: 1.7; font-size: 1rem; }}
.isnad-msg[dir=rtl] {{ text-align: right; }}
.isnad-msg[dir=ltr] {{ text-align: left; }}
.isnad-msg p {{ margin: 0 0 .45em 0 !important; }}
.isnad-msg p:last-child {{ margin-bottom: 0 !important; }}
[lang=ar] {{ font-family: {_AR}; }}
.isnad-msg[lang=ar], .isnad-source-text[lang=ar], .isnad-msg bdi[lang=ar] {{ font-size: 1.12rem; line-height: 1.95; }}
.isnad-msg bdi[lang=ar] {{ font-size: 1.05em; }}
.isnad-thinking {{ color: var(--body-text-color-subdued); font-style: italic; }}
.isnad-draft {{ color: var(--body-text-color-subdued); }}
.isnad-dropped li, .isnad-recited li {{ color: var(--body-text-color-subdued); font-size: .9em; }}
.isnad-refusal {{ border-inline-start: 4px solid #f59e0b; padding-inline-start: .7em; }}
.isnad-hint {{ color: var(--body-text-color-subdued); font-size: .9em; }}
.isnad-error {{ border-inline-start: 4px solid #dc2626; padding-inline-start: .7em; }}
.isnad-error-detail {{ font-family: var(--font-mono); font-size: .8em; color: var(--body-text-color-subdued);
  overflow-wrap: anywhere; }}

/* citation markers */
a.isnad-marker {{ display: inline-block; min-width: 1.6em; padding: 0 .35em; margin: 0 .15em;
  border-radius: .6em; background: var(--color-accent-soft); color: var(--color-accent) !important;
  font-size: .78em; font-weight: 700; line-height: 1.5; text-align: center; text-decoration: none !important;
  font-family: var(--font); vertical-align: .15em; cursor: pointer; }}
a.isnad-marker:hover, a.isnad-marker:focus {{ background: var(--color-accent); color: white !important; }}

/* sources panel: one card per cited paragraph */
.isnad-sources {{ display: flex; flex-direction: column; gap: .55rem; }}
details.isnad-source {{ border: 1px solid var(--border-color-primary); border-radius: 10px;
  background: var(--background-fill-primary); padding: .5rem .8rem; scroll-margin: 4rem;
  transition: box-shadow .3s, border-color .3s; }}
details.isnad-source > summary {{ cursor: pointer; font-weight: 600; line-height: 1.6; list-style-position: inside; }}
.isnad-source-n {{ color: var(--color-accent); font-weight: 700; }}
.isnad-source-title {{ font-weight: 600; }}
.isnad-doc-id {{ font-family: var(--font-mono); font-size: .85em; }}
.isnad-source-meta {{ display: block; margin-top: .1rem; font-weight: 400; color: var(--body-text-color-subdued);
  font-size: .88em; }}
.isnad-source-text {{ margin: .5rem 0 .1rem 0 !important; line-height: 1.9; font-size: 1rem !important; }}
/* whatever an article holds (a 50,000-character paragraph, a 500-character link), it stays in its card */
.isnad-msg, .isnad-source-text {{ overflow-wrap: anywhere; }}
.isnad-source-text {{ max-height: 28em; overflow-y: auto; }}
/* the chat shows titled messages in small type; a cited paragraph must stay readable */
#isnad-chat .isnad-sources summary, #isnad-chat .isnad-sources summary * {{ font-size: .95rem !important; }}
#isnad-chat .isnad-sources .isnad-source-meta, #isnad-chat .isnad-sources .isnad-source-meta * {{
  font-size: .85rem !important; }}
#isnad-chat .isnad-source-text {{ font-size: 1rem !important; }}
#isnad-chat .isnad-source-text[lang=ar] {{ font-size: 1.1rem !important; }}
#isnad-chat .isnad-source-text * {{ font-size: inherit !important; }}
/* an Arabic title inside English text wraps as one right-to-left box, never interleaved with the English */
.isnad-msg[dir=ltr] bdi[dir=rtl]:not(.isnad-evidence), summary[dir=ltr] bdi[dir=rtl] {{ display: inline-block;
  max-width: 100%; text-align: right; }}
.isnad-evidence {{ text-align: right !important; }}
bdi.isnad-evidence {{ display: block; margin: .3em 0 .15em 0; padding: .25em .8em; border-radius: 8px;
  border-inline-start: 3px solid var(--color-accent); background: var(--background-fill-secondary); }}
.isnad-source-text[dir=rtl] {{ text-align: right; }}
mark.isnad-quote {{ background: #fde68a; color: #1f2937; border-radius: 3px; padding: .05em .15em; }}
details.isnad-source.isnad-active {{ border-color: var(--color-accent); box-shadow: 0 0 0 3px var(--color-accent-soft);
  animation: isnad-flash 1.6s ease-out; }}
@keyframes isnad-flash {{ 0% {{ background: var(--color-accent-soft); }}
  100% {{ background: var(--background-fill-primary); }} }}

/* input, examples: Arabic typed or shown follows its own direction */
#isnad-question textarea {{ unicode-bidi: plaintext; text-align: start; font-size: 1.05rem; }}
#isnad-chat .example-text-content[dir] {{ text-align: start; width: 100%; }}
#isnad-chat .example-text[lang=ar] {{ font-size: 1.05rem; }}
.isnad-placeholder p {{ margin: .3rem 0; color: var(--body-text-color-subdued); }}
.isnad-placeholder p[lang=ar] {{ font-size: 1.1rem; }}

/* the settings panel: right to left with Arabic labels */
#isnad-side.isnad-ui-ar {{ direction: rtl; }}
#isnad-side.isnad-ui-ar input[type=range] {{ direction: ltr; }}
#isnad-side [lang=ar] {{ text-align: right; }}
.isnad-ingest p, .isnad-notice {{ margin: .3rem 0; }}
.isnad-skipped {{ margin: .2rem 0; padding-inline-start: 1.2rem; }}
.isnad-file {{ font-family: var(--font-mono); font-size: .9em; }}
.isnad-counts {{ margin: .6rem 0 .3rem 0; }}
.isnad-counts span {{ color: var(--body-text-color-subdued); font-size: .9em; }}
.isnad-table-wrap {{ max-height: 420px; overflow-y: auto; border: 1px solid var(--border-color-primary);
  border-radius: 8px; }}
table.isnad-articles {{ width: 100%; border-collapse: collapse; font-size: .92rem; }}
table.isnad-articles th, table.isnad-articles td {{ border: 0 !important; }}
table.isnad-articles th {{ position: sticky; top: 0; background: var(--background-fill-secondary);
  font-weight: 600; text-align: start; padding: .4rem .5rem; white-space: nowrap; }}
table.isnad-articles tr + tr td, table.isnad-articles tbody tr:first-child td {{
  border-top: 1px solid var(--border-color-primary) !important; }}
table.isnad-articles td {{ padding: .35rem .5rem;
  vertical-align: top; line-height: 1.6; }}
table.isnad-articles td[dir=auto] {{ text-align: start; }}
table.isnad-articles td.isnad-num {{ text-align: center; }}
"""

# Clicking a marker [n] opens the card of the cited paragraph, scrolls it into view and highlights it.
JS = r"""
() => {
  if (window.__isnadMarkers) return;
  window.__isnadMarkers = true;
  document.addEventListener("click", (event) => {
    const link = event.target.closest ? event.target.closest("a.isnad-marker") : null;
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    show((link.getAttribute("href") || "").replace(/^#/, ""), link, 0);
  }, true);
  const show = (id, link, tries) => {
    const card = document.getElementById(id);
    if (!card) {
      // the sources panel of this answer is collapsed (its cards are not in the page): open it first
      if (tries === 0) {
        const title = link.closest(".message-row")?.querySelector(".thought .title");
        if (title) title.click();
      }
      if (tries < 40) setTimeout(() => show(id, link, tries + 1), 50);
      return;
    }
    if (card.tagName === "DETAILS") card.open = true;
    document.querySelectorAll(".isnad-source.isnad-active").forEach((el) => el.classList.remove("isnad-active"));
    card.classList.add("isnad-active");
    card.scrollIntoView({ behavior: "smooth", block: "center" });
    // a panel that was just opened is still sliding open: scroll again once it has its full height
    if (tries > 0) setTimeout(() => card.scrollIntoView({ behavior: "smooth", block: "center" }), 450);
  };
  // Screen readers get the text of a message, not its HTML source; examples follow their own direction.
  const readable = () => {
    document.querySelectorAll("#isnad-chat .example-text-content:not([dir])").forEach((el) => {
      const arabic = /[\u0600-\u06FF]/.test(el.textContent);
      el.setAttribute("dir", arabic ? "rtl" : "ltr");
      el.setAttribute("lang", arabic ? "ar" : "en");
    });
    document.querySelectorAll('#isnad-chat [data-testid=user], #isnad-chat [data-testid=bot]').forEach((el) => {
      const who = el.getAttribute("data-testid") === "user" ? "user's message: " : "bot's message: ";
      const text = who + el.textContent.replace(/\s+/g, " ").trim().slice(0, 1000);
      if (el.getAttribute("aria-label") !== text) el.setAttribute("aria-label", text);
    });
  };
  new MutationObserver(readable).observe(document.body, { childList: true, subtree: true });
}
"""
