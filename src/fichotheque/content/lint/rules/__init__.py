"""The content rules, in the order they run. Adding a rule: one function here, one test.

Every rule has the same signature, `rule(fiche: FicheText, ctx: Linter) -> None`, and reports
through `ctx.report(severity, line, message, hint, rule_id)`. Order matters only where a rule
skips lines an earlier one already reported (`script_urls`, `stray_handlers`).
"""

from fichotheque.content.lint.rules import active, links, structure, wording

RULES = (
    active.jinja,
    active.front_matter_markup,
    links.links_and_images,
    active.raw_html,
    active.script_urls,
    active.stray_handlers,
    active.emoji,
    structure.length,
    structure.template_leftovers,
    structure.exercise_material,
    wording.long_sentences,
    wording.vague_links,
    wording.tone,
    wording.personal_data,
    wording.jargon,
    wording.english,
)
