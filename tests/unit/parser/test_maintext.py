"""Main text: the article's own blocks in reading order, and none of the page around it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.parser.normalise import boilerplate, normalise

from .conftest import MakeRaw

PARAGRAPHS = [
    "The Securities and Futures Commission said on Tuesday that it had granted two "
    "exchanges licences to serve retail investors, the first under the new regime.",
    "The regulator said the platforms, which had operated under a transitional "
    "arrangement since June, would be allowed to list large-cap tokens only.",
    "Analysts said the move, long expected, would put pressure on unlicensed offshore "
    "exchanges that still court customers in the city through social media.",
    "The commission added that it would review the regime again next year, and that it "
    "was consulting on rules for stablecoin issuers at the same time.",
]

PAGE = f"""<!doctype html><html lang="en"><head><title>Licences granted | Example News</title>
<meta property="og:title" content="Licences granted">
</head><body>
<header class="site-header"><a href="/">Example News</a>
  <nav><ul><li><a href="/world">World</a></li><li><a href="/markets">Markets</a></li>
  <li><a href="/opinion">Opinion and analysis from our columnists</a></li></ul></nav>
</header>
<div id="cookie-banner">We use cookies to improve your experience on our website and to
  show you personalised advertising. By continuing you accept our cookie policy.</div>
<main>
 <article>
  <h1>Licences granted</h1>
  <div class="byline">By Jane Doe</div>
  <div class="share-bar"><a href="https://twitter.com/share">Share on Twitter</a>
    <a href="https://facebook.com/share">Share on Facebook</a></div>
  <div class="article-body">
   <p>{PARAGRAPHS[0]}</p>
   <figure><img src="a.jpg"><figcaption>Traders at a trading desk in Central, Hong Kong,
     on a busy Monday morning. Photo: Getty Images</figcaption></figure>
   <p>{PARAGRAPHS[1]}</p>
   <div class="ad-slot"><span>Advertisement</span></div>
   <h2>What comes next</h2>
   <p>{PARAGRAPHS[2]} <a href="/markets/exchanges">offshore exchanges</a></p>
   <ul><li>Large-cap tokens only, with a liquidity test.</li>
       <li>Quarterly audits of customer assets held in custody.</li></ul>
   <blockquote><p>“We will keep watching the market closely,” the regulator said.</p></blockquote>
   <aside class="related"><h3>Related</h3><ul>
     <li><a href="/a">Another story about the exchanges and their licences</a></li>
     <li><a href="/b">Yet another story about regulation in the city</a></li></ul></aside>
   <p>{PARAGRAPHS[3]}</p>
   <div class="newsletter-signup"><p>Sign up for our daily newsletter and never miss the
     most important stories of the day, delivered to your inbox every morning.</p></div>
   <p class="copyright">© 2024 Example News Ltd. All rights reserved.</p>
  </div>
 </article>
 <section class="comments"><h2>Comments</h2>
  <div class="comment"><p>This is a long reader comment that says the regulator is far too
   slow, and that the licences should have been granted years ago, frankly.</p></div>
 </section>
</main>
<footer><p>Example News, 1 Example Street. Contact us, about us, careers, terms of use,
  privacy policy and the rest of the links every footer has.</p></footer>
</body></html>"""


def article_page(content: str) -> str:
    return f"<html><body><article>{content}</article></body></html>"


def test_full_page_gives_the_article_and_nothing_else(raw: MakeRaw) -> None:
    text = normalise(raw(PAGE, url="https://news.example.com/2024/05/07/licences")).text
    blocks = text.split("\n\n")

    positions = [text.index(p) for p in PARAGRAPHS[:2]]
    assert positions == sorted(positions)
    assert PARAGRAPHS[3] in text
    assert "What comes next" in blocks
    assert "Large-cap tokens only, with a liquidity test." in blocks
    assert "“We will keep watching the market closely,” the regulator said." in blocks
    for furniture in [
        "World", "cookies", "Share on", "Jane Doe", "Traders at a trading desk",
        "Advertisement", "Another story", "newsletter", "© 2024", "reader comment",
        "Contact us", "Licences granted",
    ]:  # fmt: skip
        assert furniture not in text, furniture


def test_links_inside_the_article_are_absolute_with_their_text(raw: MakeRaw) -> None:
    article = normalise(raw(PAGE, url="https://news.example.com/2024/05/07/licences"))
    assert [(link.url, link.text) for link in article.links] == [
        ("https://news.example.com/markets/exchanges", "offshore exchanges")
    ]


def test_a_bare_fragment_is_its_own_article(raw: MakeRaw) -> None:
    fragment = "".join(f"<p>{p}</p>\\r\\n" for p in PARAGRAPHS)
    assert normalise(raw(fragment)).text == "\n\n".join(PARAGRAPHS)


def test_paragraphs_written_as_divs_are_found(raw: MakeRaw) -> None:
    html = (
        "<html><body><div class='menu'><a href='/'>Home</a> <a href='/x'>Sport</a></div>"
        "<div class='story'>"
        + "".join(f"<div><span>{p}</span></div>" for p in PARAGRAPHS)
        + "</div></body></html>"
    )
    article = normalise(raw(html))
    assert article.text == "\n\n".join(PARAGRAPHS)
    assert article.provenance["text"] == "dom:text-blocks"


def test_text_between_line_breaks_is_found(raw: MakeRaw) -> None:
    html = "<html><body><div id='story'>" + "<br><br>".join(PARAGRAPHS) + "</div></body></html>"
    assert normalise(raw(html)).text == "\n\n".join(PARAGRAPHS)


def test_a_table_in_the_article_is_kept_as_text(raw: MakeRaw) -> None:
    table = (
        "<table><tr><td>Exchange</td><td>Licence</td></tr>"
        "<tr><td>HashKey</td><td>Yes</td></tr></table>"
    )
    html = article_page(f"<p>{PARAGRAPHS[0]}</p>{table}<p>{PARAGRAPHS[1]}</p>")
    text = normalise(raw(html)).text
    assert "\n\nExchange | Licence\n\nHashKey | Yes\n\n" in text
    assert text.index("HashKey") < text.index(PARAGRAPHS[1])


def test_a_link_list_inside_the_article_goes(raw: MakeRaw) -> None:
    links = "".join(
        f"<li><a href='/{i}'>Read the earlier story number {i} here</a></li>" for i in range(5)
    )
    html = article_page(f"<p>{PARAGRAPHS[0]}</p><ul>{links}</ul><p>{PARAGRAPHS[1]}</p>")
    text = normalise(raw(html)).text
    assert text == f"{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}"


def test_teasers_inside_links_do_not_count_as_text(raw: MakeRaw) -> None:
    teasers = "".join(
        f"<a href='/t{i}'><p>{p} (teaser)</p></a>" for i, p in enumerate(PARAGRAPHS * 2)
    )
    html = (
        f"<html><body><div class='teasers'>{teasers}</div>"
        f"<div class='story'><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p></div></body></html>"
    )
    assert normalise(raw(html)).text == f"{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}"


def test_a_sentence_starting_with_by_is_not_a_byline(raw: MakeRaw) -> None:
    html = article_page(f"<p>{PARAGRAPHS[0]}</p><p>By Tuesday, it was over.</p>")
    assert "By Tuesday, it was over." in normalise(raw(html)).text


def test_a_site_rule_names_the_body_and_drops_furniture() -> None:
    from services.parser.normalise.document import parse_page
    from services.parser.normalise.maintext import extract_main_text
    from services.parser.normalise.overrides import SiteRule

    html = (
        "<html><body><div class='story'>"
        f"<p>{PARAGRAPHS[0]}</p><p class='promo-text'>{PARAGRAPHS[1]}</p></div>"
        f"<div class='extra'><p>{PARAGRAPHS[2]}</p></div></body></html>"
    )
    rule = SiteRule(body="div.extra", drop="p.promo-text")
    main = extract_main_text(parse_page(html, None), rule)
    assert (main.paragraphs, main.source) == ([PARAGRAPHS[2]], "override")


# Lines near the edges of the furniture patterns: calls to action anywhere in the first 80
# characters, letters IGNORECASE folds ("ſ" is an "s", "İ" and "ı" are an "i"), newlines.
LINE_PIECES = ["Sign up for our", "newsletter", "continue reading", "unlock this", "join the",
               "conversation", "ſign up to the", "joİn the conversation", "sıgn up for our",
               "Share", "Read more", "© 2024", "Updated 3", "5 min read", "AFP", "Photo: ",
               " ", "\n", "x" * 40, "déjà vu", "2 hours ago"]  # fmt: skip


@given(st.lists(st.sampled_from(LINE_PIECES), min_size=1, max_size=8).map("".join))
def test_furniture_lines_are_what_the_pattern_matches(line: str) -> None:
    line = line.strip()
    assert boilerplate.is_furniture_line(line) == bool(boilerplate.FURNITURE_LINE.match(line))
