"""The built site opens in a real browser with no request to any other host."""


def test_home_and_a_fiche_render_without_third_party_requests(site_server, new_page):
    page = new_page(allowed=(site_server.url,))
    page.goto(site_server.url)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).first.inner_text().startswith("Des fiches libres")
    page.get_by_role("link", name="Voir les fiches du module « Sécurité numérique »").click()
    page.wait_for_url("**/fiches/securite/")
    page.locator("article a[href='mots-de-passe/']").first.click()
    page.wait_for_url("**/fiches/securite/mots-de-passe/")
    assert "Niveau" in page.locator(".fiche-meta").inner_text()
    page.wait_for_load_state("networkidle")
    assert page.foreign_requests == []
