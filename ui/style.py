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
.isnad-source-meta {{ font-weight: 400; color: var(--body-text-color-subdued); font-size: .88em; }}
.isnad-source-text {{ margin: .5rem 0 .1rem 0 !important; line-height: 1.9; font-size: 1rem !important; }}
.isnad-source-text[lang=ar] {{ font-size: 1.08rem !important; }}
details.isnad-source > summary {{ font-size: .95rem; }}
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
#isnad-chat button.example, #isnad-chat .example, #isnad-chat .examples button {{ unicode-bidi: plaintext; }}
#isnad-chat .examples span, #isnad-chat .example-text {{ unicode-bidi: plaintext; }}
.isnad-placeholder p {{ margin: .3rem 0; color: var(--body-text-color-subdued); }}
.isnad-placeholder p[lang=ar] {{ font-size: 1.1rem; }}
#isnad-articles td {{ unicode-bidi: plaintext; text-align: start; }}
#isnad-ingest-summary {{ unicode-bidi: plaintext; }}
#isnad-ingest-summary code {{ unicode-bidi: plaintext; }}
"""

# Clicking a marker [n] opens the card of the cited paragraph, scrolls it into view and highlights it.
JS = """
() => {
  if (window.__isnadMarkers) return;
  window.__isnadMarkers = true;
  document.addEventListener("click", (event) => {
    const link = event.target.closest ? event.target.closest("a.isnad-marker") : null;
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const id = link.dataset.target || (link.getAttribute("href") || "").replace(/^#/, "");
    let card = document.getElementById(id);
    if (!card) return;
    if (card.tagName === "DETAILS") card.open = true;
    document.querySelectorAll(".isnad-source.isnad-active").forEach((el) => el.classList.remove("isnad-active"));
    card.classList.add("isnad-active");
    card.scrollIntoView({ behavior: "smooth", block: "center" });
  }, true);
  // Screen readers get the text of a message, not its HTML source.
  const readable = () => {
    document.querySelectorAll('#isnad-chat [data-testid=user], #isnad-chat [data-testid=bot]').forEach((el) => {
      const who = el.getAttribute("data-testid") === "user" ? "user's message: " : "bot's message: ";
      const text = who + el.textContent.replace(/\s+/g, " ").trim().slice(0, 1000);
      if (el.getAttribute("aria-label") !== text) el.setAttribute("aria-label", text);
    });
  };
  new MutationObserver(readable).observe(document.body, { childList: true, subtree: true });
}
"""
