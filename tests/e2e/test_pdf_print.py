"""A fiche page offers its PDFs, and printing it from the browser gives a clean A4 page."""


def test_fiche_page_downloads_and_print_view(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    page.goto(site_server.url + "fiches/securite/mots-de-passe/")
    button = page.get_by_role("link", name="Télécharger la fiche (PDF)")
    assert button.is_visible()
    for name, kind in (("Télécharger la fiche (PDF)", "application/pdf"),
                       ("Version animateur (PDF)", "application/pdf"),
                       ("Texte source de la fiche", "")):
        href = page.get_by_role("link", name=name).get_attribute("href")
        response = page.request.get(site_server.url + "fiches/securite/mots-de-passe/" + href)
        assert response.ok, href
        assert response.headers.get("content-type", "").startswith(kind), href
    assert page.request.get(site_server.url + "fiches/securite/mots-de-passe/mots-de-passe.pdf"
                            ).body().startswith(b"%PDF-")

    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()  # no navigation chrome on paper
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert not button.is_visible()
    size = page.eval_on_selector(".md-typeset p", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 11 * 96 / 72 - 0.01  # at least 11 pt
    assert page.locator("h1").is_visible()

    page.goto(site_server.url + "fiches/securite/")
    booklet = page.get_by_role("link", name="Télécharger le livret du module (PDF)")
    href = booklet.get_attribute("href")
    assert page.request.get(site_server.url + "fiches/securite/" + href).ok
    assert page.foreign_requests == []
