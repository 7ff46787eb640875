"""Synthetic corpus for the benchmarks: N realistic French fiches that pass `fichotheque check`.

Deterministic for a given (count, seed): the same call always writes the same bytes. Fiches
are spread over twelve modules (fewer when N < 12), run 600 to 1,200 words, carry every
required section in order, valid competence codes, a facilitator admonition and links to
their neighbours, and vary their vocabulary so that the search index looks like a real one.

Usage: python benchmarks/corpus.py --count 1000 --out /tmp/projet   (writes /tmp/projet/fiches/)
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SEED = 2026
BASE_DATE = dt.date(2026, 10, 1)  # clamped to today when the clock is earlier


@dataclass(frozen=True)
class Theme:
    """A module of the synthetic corpus and the words its fiches are made of."""

    slug: str
    title: str
    description: str
    colour: str
    icon: str
    actions: tuple[str, ...]
    objects: tuple[str, ...]
    terms: tuple[tuple[str, str], ...]
    tags: tuple[str, ...]
    competences: tuple[str, ...]
    links: tuple[tuple[str, str], ...]


THEMES = (
    Theme(
        "securite", "Sécurité numérique",
        "Protéger ses comptes, ses appareils et ses données, reconnaître une arnaque et réagir.",
        "#B3261E", "material/shield-lock",
        ("Protéger", "Vérifier", "Changer", "Sécuriser", "Sauvegarder", "Surveiller",
         "Comprendre", "Renforcer"),
        ("son mot de passe", "sa messagerie", "son compte bancaire", "ses données personnelles",
         "son téléphone", "son ordinateur", "sa connexion wifi", "ses achats en ligne",
         "ses codes de validation"),
        (("Hameçonnage", "un faux message qui imite une banque ou un service pour voler vos "
          "identifiants"),
         ("Mot de passe", "le secret qui prouve qu'un compte est bien le vôtre"),
         ("Double authentification", "un second code demandé en plus du mot de passe"),
         ("Antivirus", "un logiciel qui repère et bloque les programmes malveillants"),
         ("Mise à jour", "une nouvelle version d'un logiciel qui corrige des failles"),
         ("Rançongiciel", "un programme qui bloque vos fichiers et réclame de l'argent"),
         ("Gestionnaire de mots de passe", "un coffre-fort numérique qui retient vos secrets")),
        ("sécurité", "mot de passe", "arnaque", "hameçonnage", "données", "piratage"),
        ("pix:4.1", "pix:4.2", "pix:4.3", "digcomp:4.1", "digcomp:4.2", "clea:4"),
        (("Cybermalveillance.gouv.fr", "https://www.cybermalveillance.gouv.fr"),
         ("Conseils de la CNIL", "https://www.cnil.fr"))),
    Theme(
        "bureautique", "Bureautique",
        "Écrire une lettre, tenir un budget, ranger ses fichiers et remplir un document PDF.",
        "#1A5FB4", "material/file-document-edit",
        ("Créer", "Mettre en page", "Enregistrer", "Imprimer", "Modifier", "Partager",
         "Retrouver", "Ranger"),
        ("une lettre", "un tableau de budget", "un curriculum vitae", "un dossier de fichiers",
         "un document PDF", "une feuille de calcul", "une attestation", "une clé USB",
         "un diaporama"),
        (("Traitement de texte", "un logiciel pour écrire et mettre en page un document"),
         ("Tableur", "un logiciel de tableaux qui fait les calculs à votre place"),
         ("Dossier", "une boîte où l'on range plusieurs fichiers"),
         ("Extension", "les lettres après le point dans le nom d'un fichier, comme .pdf"),
         ("Copier-coller", "dupliquer un texte ou un fichier pour le placer ailleurs"),
         ("Police", "le dessin des lettres d'un texte")),
        ("bureautique", "traitement de texte", "tableur", "fichiers", "impression", "PDF"),
        ("pix:3.1", "pix:3.2", "pix:1.3", "digcomp:3.1", "digcomp:1.3", "clea:3"),
        (("LibreOffice, la suite bureautique libre", "https://fr.libreoffice.org"),
         ("Les Bases du numérique", "https://lesbases.anct.gouv.fr"))),
    Theme(
        "messagerie", "Messagerie électronique",
        "Créer une adresse, écrire, répondre, joindre un document et trier ses messages.",
        "#26734D", "material/email-outline",
        ("Écrire", "Envoyer", "Classer", "Retrouver", "Transférer", "Supprimer", "Lire",
         "Organiser"),
        ("un e-mail", "une pièce jointe", "ses contacts", "un message suspect",
         "sa boîte de réception", "une candidature", "un dossier de messages",
         "une réponse à plusieurs", "ses courriers indésirables"),
        (("Adresse e-mail", "l'identifiant de votre boîte, avec un @ au milieu"),
         ("Pièce jointe", "un fichier envoyé avec un message"),
         ("Indésirables", "le dossier où arrivent les publicités et les messages douteux"),
         ("Objet", "la ligne qui résume le message avant qu'on l'ouvre"),
         ("Copie cachée", "un destinataire que les autres ne voient pas"),
         ("Carnet d'adresses", "la liste de vos correspondants")),
        ("e-mail", "messagerie", "courriel", "pièce jointe", "contacts", "spam"),
        ("pix:2.1", "pix:2.2", "digcomp:2.1", "digcomp:2.2", "clea:2"),
        (("Bien utiliser sa messagerie, Les Bases", "https://lesbases.anct.gouv.fr"),
         ("Signal Spam", "https://www.signal-spam.fr"))),
    Theme(
        "services-publics", "Services publics en ligne",
        "Faire ses démarches : impôts, CAF, ameli, France Travail, titres et FranceConnect.",
        "#6E3FA3", "material/bank",
        ("Déclarer", "Demander", "Consulter", "Télécharger", "Suivre", "Mettre à jour",
         "Préparer", "Contester"),
        ("ses revenus", "une aide au logement", "ses remboursements de santé",
         "une carte d'identité", "son dossier France Travail", "une attestation CAF",
         "son avis d'imposition", "un rendez-vous en préfecture", "son compte FranceConnect"),
        (("FranceConnect", "un bouton pour entrer sur un service public avec un compte connu"),
         ("Numéro fiscal", "les treize chiffres inscrits sur votre avis d'impôt"),
         ("Espace personnel", "la partie d'un site réservée à votre dossier"),
         ("Justificatif", "un document qui prouve ce que vous déclarez"),
         ("Démarche", "une demande faite auprès d'une administration"),
         ("France services", "un lieu d'accueil où l'on vous aide pour vos démarches")),
        ("démarches", "impôts", "CAF", "ameli", "France Travail", "administration"),
        ("pix:1.1", "pix:2.3", "digcomp:2.3", "clea:1", "clea:2"),
        (("Service-Public.fr", "https://www.service-public.fr"),
         ("France services près de chez vous", "https://www.france-services.gouv.fr"))),
    Theme(
        "smartphone", "Prendre en main son smartphone",
        "Régler son téléphone, installer une application, gérer l'écran, la batterie et l'espace.",
        "#B5651D", "material/cellphone",
        ("Régler", "Installer", "Désinstaller", "Allumer", "Nettoyer", "Agrandir", "Verrouiller",
         "Mettre à jour"),
        ("son écran d'accueil", "une application", "la batterie", "l'espace de stockage",
         "les notifications", "le volume et la sonnerie", "le clavier", "la taille du texte",
         "le code de déverrouillage"),
        (("Application", "un programme que l'on installe sur le téléphone"),
         ("Notification", "un petit message qui s'affiche en haut de l'écran"),
         ("Magasin d'applications", "le lieu officiel pour installer une application"),
         ("Stockage", "la place disponible pour vos photos et vos applications"),
         ("Paramètres", "le menu qui regroupe tous les réglages"),
         ("Mode avion", "un réglage qui coupe toutes les connexions")),
        ("smartphone", "téléphone", "application", "Android", "réglages", "tactile"),
        ("pix:5.1", "pix:5.2", "digcomp:5.1", "digcomp:5.2", "clea:1"),
        (("Bien débuter avec son téléphone, Les Bases", "https://lesbases.anct.gouv.fr"),
         ("Fiches pratiques de la CNIL", "https://www.cnil.fr"))),
    Theme(
        "internet", "Naviguer sur internet",
        "Chercher une information, reconnaître un site fiable, gérer ses favoris et ses cookies.",
        "#0B7285", "material/web",
        ("Chercher", "Comparer", "Enregistrer", "Reconnaître", "Refuser", "Ouvrir", "Fermer",
         "Retrouver"),
        ("une information fiable", "un site officiel", "ses favoris", "les cookies",
         "un onglet", "l'historique de navigation", "une vidéo en ligne", "un plan d'accès",
         "les horaires d'un commerce"),
        (("Navigateur", "le logiciel qui affiche les sites internet"),
         ("Moteur de recherche", "un site qui trouve des pages à partir de mots-clés"),
         ("Onglet", "une page ouverte à côté d'une autre dans le navigateur"),
         ("Cookie", "un petit fichier déposé par un site pour se souvenir de vous"),
         ("Favori", "une page enregistrée pour y revenir plus tard"),
         ("Adresse web", "le texte qui commence par https:// en haut de la fenêtre")),
        ("internet", "navigateur", "recherche", "site web", "cookies", "favoris"),
        ("pix:1.1", "pix:1.2", "pix:1.3", "digcomp:1.1", "digcomp:1.2", "clea:1"),
        (("Les Bases du numérique", "https://lesbases.anct.gouv.fr"),
         ("Conseils de la CNIL sur les cookies", "https://www.cnil.fr"))),
    Theme(
        "sante", "Santé en ligne",
        "Prendre rendez-vous, ouvrir Mon espace santé, suivre ses remboursements, téléconsulter.",
        "#C2255C", "material/hospital-box",
        ("Prendre", "Consulter", "Ouvrir", "Partager", "Annuler", "Préparer", "Suivre",
         "Protéger"),
        ("un rendez-vous médical", "Mon espace santé", "une ordonnance", "une téléconsultation",
         "son dossier médical", "ses résultats d'analyse", "sa carte Vitale numérique",
         "un rappel de vaccin", "ses remboursements"),
        (("Téléconsultation", "une consultation avec un médecin par vidéo"),
         ("Mon espace santé", "le carnet de santé numérique de chaque assuré"),
         ("Ordonnance", "le document du médecin qui indique vos médicaments"),
         ("Carte Vitale", "la carte qui prouve vos droits à l'Assurance maladie"),
         ("Mutuelle", "l'assurance qui complète les remboursements"),
         ("Messagerie sécurisée", "un échange protégé avec un professionnel de santé")),
        ("santé", "ameli", "médecin", "rendez-vous", "ordonnance", "téléconsultation"),
        ("pix:2.3", "pix:4.2", "digcomp:2.3", "digcomp:4.3", "clea:2"),
        (("Mon espace santé", "https://www.monespacesante.fr"),
         ("ameli, l'Assurance maladie", "https://www.ameli.fr"))),
    Theme(
        "emploi", "Emploi et formation",
        "Chercher une offre, postuler en ligne, préparer un entretien en visio, se former.",
        "#495057", "material/briefcase",
        ("Chercher", "Postuler à", "Préparer", "Mettre à jour", "Déposer", "Suivre", "Valoriser",
         "Relire"),
        ("une offre d'emploi", "un entretien en visio", "son profil professionnel",
         "une lettre de motivation", "une formation en ligne", "son espace candidat",
         "ses compétences numériques", "un agenda de candidatures", "un test de recrutement"),
        (("Candidature", "l'envoi d'un CV et d'une lettre pour un poste"),
         ("Visioconférence", "une réunion à distance avec image et son"),
         ("Profil", "la page qui vous présente sur un site d'emploi"),
         ("Alerte", "un message reçu quand une offre correspond à votre recherche"),
         ("Compte personnel de formation", "les droits à formation que vous cumulez"),
         ("Lettre de motivation", "le courrier qui explique pourquoi vous postulez")),
        ("emploi", "CV", "candidature", "entretien", "formation", "France Travail"),
        ("pix:2.4", "pix:3.1", "digcomp:2.4", "digcomp:5.4", "clea:3"),
        (("France Travail", "https://www.francetravail.fr"),
         ("Mon compte formation", "https://www.moncompteformation.gouv.fr"))),
    Theme(
        "argent", "Banque et paiements",
        "Consulter ses comptes, payer en ligne sans risque, faire un virement, suivre son budget.",
        "#2B8A3E", "material/cash",
        ("Consulter", "Payer", "Faire", "Vérifier", "Bloquer", "Ajouter", "Contester", "Suivre"),
        ("son compte bancaire", "un achat en ligne", "un virement", "sa carte bancaire",
         "un bénéficiaire", "une opération inconnue", "son budget du mois",
         "l'application de sa banque", "un remboursement"),
        (("Virement", "un transfert d'argent d'un compte à un autre"),
         ("IBAN", "l'identifiant international d'un compte bancaire"),
         ("Bénéficiaire", "la personne ou l'entreprise qui reçoit l'argent"),
         ("Paiement sécurisé", "une étape de validation avant de payer en ligne"),
         ("Opposition", "le blocage d'une carte perdue ou volée"),
         ("Relevé", "la liste des opérations d'un compte sur une période")),
        ("banque", "paiement", "virement", "carte bancaire", "budget", "fraude"),
        ("pix:2.1", "pix:4.1", "digcomp:2.1", "digcomp:4.2", "clea:4"),
        (("Banque de France, les bons réflexes", "https://www.banque-france.fr"),
         ("Cybermalveillance.gouv.fr", "https://www.cybermalveillance.gouv.fr"))),
    Theme(
        "reseaux-sociaux", "Réseaux sociaux et messageries",
        "Rester en contact avec ses proches, régler sa vie privée, repérer les fausses nouvelles.",
        "#1864AB", "material/account-group",
        ("Régler", "Publier", "Partager", "Bloquer", "Signaler", "Rejoindre", "Quitter",
         "Vérifier"),
        ("sa vie privée", "une photo de famille", "un groupe de discussion",
         "une fausse nouvelle", "un appel vidéo", "ses abonnements", "un message vocal",
         "un commentaire", "son profil public"),
        (("Profil", "la page qui vous présente aux autres membres"),
         ("Fil d'actualité", "la liste des publications de vos contacts"),
         ("Confidentialité", "les réglages qui choisissent qui voit quoi"),
         ("Signalement", "un message envoyé à la plateforme pour dénoncer un abus"),
         ("Infox", "une fausse information qui circule comme une vraie"),
         ("Groupe", "un espace de discussion à plusieurs")),
        ("réseaux sociaux", "vie privée", "messagerie instantanée", "famille", "infox"),
        ("pix:2.2", "pix:2.4", "digcomp:2.2", "digcomp:2.5", "digcomp:4.3", "clea:2"),
        (("Pédagogie et réseaux sociaux, CNIL", "https://www.cnil.fr"),
         ("Pharos, signaler un contenu illicite", "https://www.internet-signalement.gouv.fr"))),
    Theme(
        "photos-videos", "Photos et vidéos",
        "Prendre, trier, envoyer et sauvegarder ses photos, faire un petit montage vidéo.",
        "#E67700", "material/camera",
        ("Prendre", "Trier", "Envoyer", "Sauvegarder", "Recadrer", "Imprimer", "Retrouver",
         "Partager"),
        ("ses photos", "une vidéo de famille", "un album", "une capture d'écran",
         "un document scanné", "un diaporama de vacances", "les photos d'un ancien téléphone",
         "une photo floue", "un souvenir numérique"),
        (("Galerie", "l'application qui montre vos photos"),
         ("Capture d'écran", "une photo de ce qui est affiché sur l'écran"),
         ("Nuage", "un espace de stockage sur internet"),
         ("Résolution", "la finesse d'une image, en pixels"),
         ("Recadrer", "couper les bords d'une photo"),
         ("Sauvegarde", "une copie de vos fichiers rangée ailleurs")),
        ("photos", "vidéo", "sauvegarde", "album", "partage", "souvenirs"),
        ("pix:3.1", "pix:3.2", "pix:5.2", "digcomp:3.1", "digcomp:3.2", "clea:3"),
        (("Conserver ses photos, Les Bases", "https://lesbases.anct.gouv.fr"),
         ("Droit à l'image, CNIL", "https://www.cnil.fr"))),
    Theme(
        "famille", "Vie quotidienne et famille",
        "Suivre la scolarité, acheter d'occasion, s'informer, accompagner les enfants en ligne.",
        "#5F3DC4", "material/home-heart",
        ("Suivre", "Accompagner", "Régler", "Acheter", "Vendre", "Organiser", "Préparer",
         "Comprendre"),
        ("la scolarité des enfants", "le contrôle parental", "un achat d'occasion",
         "un trajet en transports", "une réservation de train", "les écrans à la maison",
         "un abonnement en ligne", "une résiliation de contrat", "un agenda partagé"),
        (("Espace numérique de travail", "le site de l'école pour les notes et les devoirs"),
         ("Contrôle parental", "des réglages qui limitent ce que voit un enfant"),
         ("Abonnement", "un service payé chaque mois"),
         ("Résiliation", "l'arrêt d'un contrat ou d'un abonnement"),
         ("Billet électronique", "un titre de transport reçu sur le téléphone"),
         ("Petites annonces", "un site pour acheter et vendre entre particuliers")),
        ("famille", "école", "parentalité", "achats", "transports", "quotidien"),
        ("pix:1.1", "pix:2.1", "pix:4.3", "digcomp:2.6", "digcomp:4.4", "clea:1"),
        (("Je protège mon enfant", "https://jeprotegemonenfant.gouv.fr"),
         ("SNCF Connect", "https://www.sncf-connect.com"))),
)

QUALIFIERS = ("", "pas à pas", "sur un téléphone", "sur un ordinateur", "en atelier collectif",
              "pour les grands débutants", "avec un proche", "en toute sécurité",
              "sans se tromper", "en dix minutes", "en autonomie", "avec une tablette",
              "quand on est aidant", "en cas de panne")

AUTHORS = ("Collectif Fichothèque", "Réseau des EPN du Val", "Camille Martin", "Sami Benali",
           "Louise Perrin", "Yanis Moreau", "Atelier numérique de Brest", "Maison France services")
LICENCES = ("CC-BY-SA-4.0",) * 6 + ("CC-BY-4.0", "etalab-2.0", "CC0-1.0")
SOURCES = (("Les Bases du numérique", "ANCT", "https://lesbases.anct.gouv.fr", "CC-BY-4.0"),
           ("Fiches PIX Orga", "Pix", "https://pix.fr", "CC-BY-4.0"),
           ("Guide des démarches", "DINUM", "https://www.numerique.gouv.fr", "etalab-2.0"))

SUBJECTS = ("Les participants", "Les personnes du groupe", "Les aidants présents",
            "Les plus à l'aise", "Les nouveaux venus", "Les binômes", "Les apprenants")
STARTS = ("Au début de la séance,", "Ensuite,", "Pas à pas,", "Si besoin,", "Avant de valider,",
          "Pour gagner du temps,", "Avec un peu de pratique,", "Dès la deuxième fois,",
          "Sans se presser,", "À ce moment,", "Pour finir,", "En cas de doute,")
VERBS = ("repèrent", "essaient de", "apprennent à", "comparent deux façons de", "montrent comment",
         "notent comment", "expliquent à voix haute comment", "prennent le temps de")
MANNERS = ("en suivant l'écran projeté", "avec leur propre appareil", "sur un compte d'essai",
           "en notant chaque étape sur une feuille", "avec l'aide d'un voisin",
           "sans cliquer au hasard", "en lisant chaque message jusqu'au bout",
           "en prenant le temps de relire", "à partir d'un exemple réel", "en deux minutes chrono")
ADVICE = ("Prenez le temps de lire chaque écran avant de cliquer.",
          "Un service officiel ne vous demande jamais votre mot de passe par téléphone.",
          "Notez dans un carnet ce qui vous semble difficile, on y reviendra.",
          "Il n'y a pas de question bête : posez-la au groupe.",
          "Si l'écran change tout seul, ne paniquez pas et revenez en arrière.",
          "Vérifiez l'adresse du site en haut de la fenêtre.",
          "Gardez vos codes pour vous, même face à un conseiller très aimable.",
          "Fermez votre session quand vous utilisez un ordinateur partagé.",
          "Faites une pause si la manipulation devient pénible.",
          "Recommencez une seconde fois : la mémoire vient avec la pratique.",
          "En cas de message d'erreur, lisez-le : il dit souvent quoi faire.",
          "Un appareil à jour est un appareil mieux protégé.",
          "Demandez de l'aide dans un espace public numérique ou une France services.",
          "Ne cliquez pas sur un lien reçu par SMS sans vérifier l'expéditeur.",
          "Enregistrez le document avant de fermer la fenêtre.",
          "Les boutons changent parfois de place d'une version à l'autre.")
MATERIALS = ("Un ordinateur par binôme, relié à internet.", "Un vidéoprojecteur.",
             "Des téléphones des participants, chargés.", "Une feuille et un stylo.",
             "Un compte de démonstration préparé à l'avance.", "Cette fiche imprimée en A4.",
             "Une clé USB vide.", "Une imprimante à proximité.", "Un tableau blanc.",
             "Quelques exemples de documents sur papier.")
FACILITATOR = ("**Difficultés fréquentes** : la peur de « casser » l'appareil freine beaucoup de "
               "personnes. Rassurez : on peut presque toujours revenir en arrière.",
               "**Adapter** : pour les personnes qui lisent peu, montrez d'abord le geste puis "
               "faites-le refaire sans commentaire. Pour une déficience visuelle, agrandissez le "
               "texte de l'écran et imprimez la fiche en gros caractères.",
               "**Rythme** : prévoyez une pause au milieu de l'atelier et gardez dix minutes pour "
               "les questions personnelles, qui sont souvent les plus utiles.",
               "**Confidentialité** : ne demandez jamais à voir un vrai mot de passe ni un vrai "
               "document d'identité ; utilisez des comptes et des documents fictifs.",
               "**Prolonger** : proposez aux participants de refaire l'exercice chez eux et de "
               "revenir avec leurs questions à la séance suivante.",
               "**Matériel de secours** : si le réseau tombe, montrez les captures d'écran "
               "imprimées et faites l'exercice sur papier.")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("'", " ")).strip("-")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _words(text: str) -> int:
    return len(text.split())


class _Writer:
    """Builds one fiche's text from the fragments, with its own random stream."""

    def __init__(self, rng: random.Random, theme: Theme):
        self.rng = rng
        self.theme = theme

    def pick(self, seq, k: int | None = None):
        return self.rng.choice(seq) if k is None else self.rng.sample(seq, k)

    def sentence(self, action: str, obj: str) -> str:
        r = self.rng.random()
        if r < 0.45:
            verb = self.pick(VERBS)
            return (f"{self.pick(STARTS)} {_lower_first(self.pick(SUBJECTS))} {verb} "
                    f"{_lower_first(self.pick(self.theme.actions))} "
                    f"{self.pick(self.theme.objects)} {self.pick(MANNERS)}.")
        if r < 0.75:
            term, definition = self.pick(self.theme.terms)
            return (f"Rappelez que « {_lower_first(term)} » désigne {definition} : c'est utile "
                    f"pour {_lower_first(action)} {obj}.")
        return self.pick(ADVICE)

    def paragraph(self, action: str, obj: str, n: int) -> str:
        return " ".join(self.sentence(action, obj) for _ in range(n))


def fiche_markdown(rng: random.Random, theme: Theme, title: str, description: str,
                   action: str, obj: str, neighbours: list[tuple[str, str]],
                   updated: dt.date) -> str:
    """One fiche's Markdown (front matter + body) of 600 to 1,200 words."""
    w = _Writer(rng, theme)
    target = rng.randint(600, 1200)
    licence = rng.choice(LICENCES)
    audiences = ("grand-public", "aidants", "professionnels")
    meta = [
        "---",
        f"title: \"{title}\"",
        f"description: \"{description}\"",
        f"module: {theme.slug}",
        f"level: {rng.choice(('debutant', 'debutant', 'intermediaire', 'avance'))}",
        f"duration: {rng.choice((30, 45, 60, 60, 90, 120))}",
        f"audience: [{', '.join(w.pick(audiences, rng.randint(1, 2)))}]",
        f"licence: {licence}",
        f"authors: [{', '.join(w.pick(AUTHORS, rng.randint(1, 2)))}]",
        f"updated: {updated.isoformat()}",
        f"competences: [{', '.join(w.pick(theme.competences, rng.randint(1, 3)))}]",
        f"tags: [{', '.join(w.pick(theme.tags, rng.randint(2, 4)))}]",
    ]
    if licence == "CC-BY-SA-4.0" and rng.random() < 0.2:
        s_title, s_author, s_url, s_licence = rng.choice(SOURCES)
        meta += ["source:", f"  title: \"{s_title}\"", f"  author: \"{s_author}\"",
                 f"  url: {s_url}", f"  licence: {s_licence}"]
    meta.append("---")

    verb = _lower_first(action)
    goals = [f"{verb} {obj} sans aide", f"expliquer à un proche comment {verb} {obj}",
             "reconnaître ce qui peut mal se passer et réagir", "savoir où demander de l'aide",
             f"utiliser le bon vocabulaire : {', '.join(t for t, _ in w.pick(theme.terms, 2))}"]
    parts = ["## Objectif", "",
             w.paragraph(action, obj, rng.randint(1, 2)), "",
             "À la fin de l'atelier, vous savez :", ""]
    parts += [f"- {g} ;" for g in w.pick(goals, rng.randint(3, 4))]
    parts += ["", "## Matériel", ""]
    parts += [f"- {m}" for m in w.pick(MATERIALS, rng.randint(2, 4))]
    if rng.random() < 0.5:
        parts += ["", "## Vocabulaire", ""]
        parts += [f"- **{t}** : {d}." for t, d in w.pick(theme.terms, rng.randint(3, 5))]
    parts += ["", "## Déroulé", ""]
    steps = [w.paragraph(action, obj, rng.randint(1, 3)) for _ in range(rng.randint(6, 9))]
    exercise = rng.random() < 0.6
    remember = [f"- {a}" for a in w.pick(ADVICE, rng.randint(3, 5))]
    links = [f"- [{t}]({s}.md)" for t, s in neighbours]
    links += [f"- {name} : {url}" for name, url in theme.links]
    notes = ["**Durée** : prévoyez l'atelier en entier, questions comprises. "
             f"**Public** : {theme.title.lower()}, tous niveaux."]
    notes += list(w.pick(FACILITATOR, 2))

    def assemble() -> str:
        body = list(parts)
        for i, step in enumerate(steps, 1):
            body.append(f"{i}. {step}")
        if exercise:
            body += ["", "## Exercice", "", f"Entraînez-vous à {verb} {obj} sur un exemple fictif.",
                     ""]
            body += [f"{i}. {s}" for i, s in enumerate(exercise_steps, 1)]
        body += ["", "## À retenir", "", *remember, "", "## Pour aller plus loin", "", *links, "",
                 "!!! note \"Pour l'animateur\""]
        for note in notes:
            body += [f"    {note}", ""]
        return "\n".join(meta) + "\n\n" + "\n".join(body).rstrip() + "\n"

    exercise_steps = [w.sentence(action, obj) for _ in range(rng.randint(3, 5))]
    text = assemble()
    while _words(text) < target:
        choice = rng.random()
        if choice < 0.6:
            i = rng.randrange(len(steps))
            steps[i] += " " + w.sentence(action, obj)
        elif choice < 0.8:
            notes.append(w.paragraph(action, obj, rng.randint(2, 3)))
        else:
            parts.insert(2, w.paragraph(action, obj, 1) + "\n")
        text = assemble()
    return text


def module_yml(theme: Theme, order: int) -> str:
    return (f"title: {theme.title}\n"
            f"description: >-\n  {theme.description}\n"
            f"order: {order}\n"
            f"colour: \"{theme.colour}\"\n"
            f"icon: {theme.icon}\n"
            f"badge: {theme.slug}\n")


def plan(count: int, seed: int = DEFAULT_SEED) -> dict[str, list[tuple[str, str, str, str]]]:
    """Which fiches each module gets: (slug, title, action, object), deterministic."""
    themes = THEMES[:max(1, min(len(THEMES), count))]
    rng = random.Random(f"plan-{seed}")
    per_theme: dict[str, list[tuple[str, str, str, str]]] = {t.slug: [] for t in themes}
    combos = {}
    for theme in themes:
        c = [(a, o, q) for a in theme.actions for o in theme.objects for q in QUALIFIERS]
        rng.shuffle(c)
        combos[theme.slug] = c
    seen: set[str] = set()
    for i in range(count):
        theme = themes[i % len(themes)]
        action, obj, qualifier = combos[theme.slug].pop()
        title = f"{action} {obj}" + (f" {qualifier}" if qualifier else "")
        slug = slugify(title)
        while slug in seen:  # never happens with distinct objects, but stay unique anyway
            slug += "-bis"
            title += " (suite)"
        seen.add(slug)
        per_theme[theme.slug].append((slug, title, action, obj))
    return per_theme


def generate(root: Path | str, count: int, seed: int = DEFAULT_SEED,
             today: dt.date | None = None) -> list[Path]:
    """Write `<root>/fiches/` with `count` fiches (replacing it); returns the fiche paths."""
    root = Path(root)
    today = today or dt.date.today()
    base_date = min(BASE_DATE, today)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".fiches-", dir=root))
    written: list[Path] = []
    themes = {t.slug: t for t in THEMES}
    for order, (module, fiches) in enumerate(plan(count, seed).items(), 1):
        theme = themes[module]
        folder = staging / module
        folder.mkdir()
        (folder / "_module.yml").write_text(module_yml(theme, order), encoding="utf-8")
        for slug, title, action, obj in fiches:
            rng = random.Random(f"{seed}-{module}-{slug}")
            others = [f for f in fiches if f[0] != slug]
            neighbours = [(t, s) for s, t, _, _ in rng.sample(others, min(2, len(others)))]
            description = (f"{action} {obj} : les gestes essentiels, les pièges à éviter et "
                           f"un exercice pour s'entraîner.")[:200]
            updated = base_date - dt.timedelta(days=rng.randint(0, 600))
            text = fiche_markdown(rng, theme, title, description, action, obj, neighbours,
                                  updated)
            (folder / f"{slug}.md").write_text(text, encoding="utf-8")
            written.append(root / "fiches" / module / f"{slug}.md")
    target = root / "fiches"
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Générer un corpus de fiches synthétiques.")
    parser.add_argument("--count", type=int, required=True, help="nombre de fiches")
    parser.add_argument("--out", required=True, help="dossier du projet (reçoit fiches/)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.count < 1:
        print("Erreur : --count doit être au moins 1.", file=sys.stderr)
        return 1
    paths = generate(args.out, args.count, args.seed)
    print(f"{len(paths)} fiches écrites dans {Path(args.out) / 'fiches'}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
