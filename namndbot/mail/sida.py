"""The answer page as HTML: small, in Swedish, without JavaScript, readable on a phone.

Contrast at least 4.5:1 everywhere (WCAG 2.1 AA), text at 18px, buttons 48px high with visible
focus, a heading structure and labelled regions for screen readers. The two buttons sit in one
form that POSTs back to the same signed address: the token in the address is what the server
trusts, so a forged form elsewhere has nothing to post to.
"""

from __future__ import annotations

import html

from ..services.svar_epost import WORDS, Svarssida

STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:18px;
line-height:1.5;color:#1a1a1a;background:#f4f4f4}
main{max-width:34rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 1rem}
.kort{background:#fff;border:1px solid #767676;border-radius:8px;padding:1rem 1.25rem;margin:0 0 1.25rem}
.kort ul{margin:0;padding-left:1.2rem}
.ok{border-left:8px solid #1b6e20}
.nej{border-left:8px solid #a4262c}
form{margin:0}
fieldset{border:0;margin:0;padding:0}
legend{font-weight:bold;margin-bottom:.75rem}
button{display:block;width:100%;min-height:48px;margin:0 0 .75rem;padding:.75rem 1rem;font:inherit;
font-weight:bold;border-radius:8px;border:2px solid #0b3d6e;cursor:pointer}
.ja{background:#0b5394;color:#fff}
.avboj{background:#fff;color:#0b3d6e}
.vald{outline:3px solid #1a1a1a;outline-offset:2px}
button:focus-visible{outline:4px solid #ffbf47;outline-offset:2px}
footer{font-size:.9rem;color:#4a4a4a}
"""


def render(page: Svarssida) -> str:
    """The page. Its form posts back to the address it was opened at (the signed link itself, also
    behind a proxy that adds a path prefix)."""
    klass = {True: "kort ok", False: "kort nej", None: "kort"}[page.ok]
    details = "".join(f"<li>{html.escape(d)}</li>" for d in page.detaljer)
    parts = [
        f"<h1>{html.escape(page.rubrik)}</h1>",
        f'<section class="kort" aria-label="Sammanträdet"><ul>{details}</ul></section>' if details else "",
        f'<p class="{klass}" role="status">{html.escape(page.text)}</p>',
    ]
    if page.fraga:
        buttons = []
        for value, css in (("kommer", "ja"), ("kan_inte", "avboj")):
            chosen = " vald" if page.vald == value else ""
            autofocus = " autofocus" if page.vald == value else ""
            buttons.append(
                f'<button type="submit" name="svar" value="{value}" class="{css}{chosen}"{autofocus}>'
                f"{html.escape(WORDS[value])}</button>"
            )
        parts.append(
            '<form method="post">'
            '<fieldset><legend id="fraga">Ditt svar</legend>' + "".join(buttons) + "</fieldset></form>"
            "<p>Ingenting registreras förrän du trycker på en knapp.</p>"
        )
    parts.append("<footer><p>namndbot, nämndens sammanträdesassistent. Frågor: nämndens sekreterare.</p></footer>")
    return (
        '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        f"<title>{html.escape(page.rubrik)} – namndbot</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{''.join(parts)}\n</main>\n</body>\n</html>\n"
    )
