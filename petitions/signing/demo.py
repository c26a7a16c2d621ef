"""Confirmed demo signatures for demos and benchmarks, written with PostgreSQL's COPY.

Names come in many scripts (Latin with diacritics, Greek, Cyrillic) and fit the signer's
country; addresses are ``seed-<n>@example.invalid``, numbered on from the last seeded one.
The stored counts are updated in the same transaction, so the public API shows them at once.
"""

from __future__ import annotations

import datetime
import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from campaign.campaigns.models import RegionKind
from campaign.core.subdivisions import subdivision_codes
from petitions.models import Petition
from petitions.reporting.counting import _LOCK_NAMESPACE

BATCH = 5_000
QUORUMS = Path(__file__).resolve().parent.parent / "reporting" / "data" / "quorums.json"

# culture: (locale, given names, family names); no tab, newline or backslash (COPY text format).
NAMES: dict[str, tuple[str, list[str], list[str]]] = {
    "pl": (
        "pl",
        ["Łukasz", "Małgorzata", "Zofia", "Krzysztof", "Agnieszka", "Paweł", "Wojciech", "Józef"],
        ["Żółć", "Wiśniewski", "Wójcik", "Dąbrowska", "Szymański", "Lewandowska", "Kamiński"],
    ),
    "da": (
        "da",
        ["Ægir", "Søren", "Åse", "Mette", "Jørgen", "Freja", "Bjørn"],
        ["Ørsted", "Sørensen", "Kjærgaard", "Møller", "Præstegaard", "Østergaard"],
    ),
    "el": (
        "el",
        ["Ξανθή", "Γιώργος", "Μαρία", "Δημήτρης", "Ελένη", "Νίκος", "Αικατερίνη"],
        ["Παπαδοπούλου", "Παπαδόπουλος", "Οικονόμου", "Γεωργίου", "Καραγιάννη", "Βλάχος"],
    ),
    "ro": (
        "ro",
        ["Șerban", "Ioana", "Ștefan", "Mădălina", "Răzvan", "Andreea"],
        ["Ionescu", "Popescu", "Țăranu", "Constantinescu", "Dumitrescu", "Mureșan"],
    ),
    "pt": (
        "pt",
        ["João", "Maria", "Conceição", "Inês", "Gonçalo", "Leonor", "Sebastião"],
        ["Conceição", "Gonçalves", "Magalhães", "Simões", "Brandão", "Assunção", "Araújo"],
    ),
    "bg": (
        "bg",
        ["Димитър", "Цветелина", "Борислав", "Йорданка", "Иван", "Гергана"],
        ["Иванов", "Георгиева", "Стоянов", "Петрова", "Димитров", "Христова"],
    ),
    "sr": (
        "de",
        ["Ђорђе", "Љубица", "Милош", "Јована", "Никола", "Драгана"],
        ["Јовановић", "Петровић", "Ђорђевић", "Николић", "Марковић"],
    ),
    "de": (
        "de",
        ["Jürgen", "Jörg", "Gülşen", "Käthe", "Günther", "Anna", "Lukas"],
        ["Müller", "Schäfer", "Weiß", "Öztürk", "Strauß", "Becker", "Hoffmann"],
    ),
    "fr": (
        "fr",
        ["Élodie", "François", "Anaïs", "Gaëlle", "Jérôme", "Chloé", "Noël"],
        ["Lefèvre", "Bérénger", "Dupré", "Lécuyer", "Moreau", "Girard", "Faÿ"],
    ),
    "es": (
        "es",
        ["José", "María", "Begoña", "Iñaki", "Núria", "Sofía", "Álvaro"],
        ["Muñoz", "Peña", "Ibáñez", "Fernández", "Sánchez", "Martínez", "Gómez"],
    ),
    "cs": (
        "cs",
        ["Jiří", "Tereza", "Radek", "Zuzana", "Kateřina", "Ľubomír"],
        ["Dvořák", "Černá", "Novák", "Kučera", "Šťastný", "Horváthová"],
    ),
    "hu": (
        "hu",
        ["Ádám", "Zsófia", "Örs", "Eszter", "Gergő", "Réka"],
        ["Szőke", "Kovács", "Tóth", "Bíró", "Fűzfa", "Nagy"],
    ),
    "lt": (
        "lt",
        ["Žydrūnas", "Rūta", "Jānis", "Līga", "Kęstutis", "Ieva"],
        ["Kazlauskas", "Bērziņš", "Ozoliņa", "Šimkus", "Žukauskaitė", "Kalniņš"],
    ),
    "hr": (
        "hr",
        ["Željko", "Mateja", "Nikola", "Špela", "Dražen", "Ivana"],
        ["Horvat", "Kovačič", "Babić", "Šarić", "Jurić", "Novak"],
    ),
    "it": (
        "it",
        ["Niccolò", "Chiara", "Giuseppe", "Francesca", "Lorenzo"],
        ["Rossi", "Esposito", "Bianchi", "Colombo", "De Luca", "Romano"],
    ),
    "nordic": (
        "sv",
        ["Päivi", "Jyrki", "Tõnu", "Mari", "Björn", "Åsa", "Kristjan"],
        ["Mäkinen", "Korhonen", "Tamm", "Sepp", "Lindqvist", "Sjöberg", "Kõiv"],
    ),
    "ga": (
        "ga",
        ["Siobhán", "Seán", "Pádraig", "Aoife", "Ġorġ", "Marija"],
        ["Ó Briain", "Ní Dhomhnaill", "Mac Cárthaigh", "Borġ", "Żammit", "Murphy"],
    ),
    "nl": (
        "nl",
        ["Sanne", "Daan", "Eline", "Sem", "Anouk", "Thijs"],
        ["van den Berg", "de Jong", "Jansen", "Bakker", "Visser", "Smits"],
    ),
    "br": (
        "pt-br",
        ["João", "Maria", "Antônio", "Ana", "Luíza", "Sebastião", "Thaís", "Júlia", "Ícaro"],
        ["da Silva", "Conceição", "Gonçalves", "Araújo", "Simões", "Brandão", "Assunção", "Lúcio"],
    ),
}

# Member states weighted roughly by population (millions), each with its culture.
EU_COUNTRIES: dict[str, tuple[float, str]] = {
    "DE": (84, "de"), "FR": (68, "fr"), "IT": (59, "it"), "ES": (48, "es"), "PL": (37, "pl"),
    "RO": (19, "ro"), "NL": (18, "nl"), "BE": (12, "fr"), "CZ": (11, "cs"), "GR": (10, "el"),
    "PT": (10, "pt"), "SE": (10, "nordic"), "HU": (10, "hu"), "AT": (9, "de"), "BG": (6, "bg"),
    "DK": (6, "da"), "FI": (6, "nordic"), "SK": (5, "cs"), "IE": (5, "ga"), "HR": (4, "hr"),
    "LT": (3, "lt"), "SI": (2, "hr"), "LV": (2, "lt"), "EE": (1.3, "nordic"), "CY": (1, "el"),
    "LU": (0.7, "fr"), "MT": (0.5, "ga"),
}  # fmt: skip

MOVERS = ("sr", "el", "pl", "ro", "pt", "bg", "da")
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_V4 = (0x4000 << 64) | (0x8000 << 48)


def _uuid4_hex(n: int) -> str:
    """A random (version 4, RFC 4122 variant) UUID from 128 random bits, as 32 hex digits."""
    return f"{(n & _UUID_CLEAR) | _UUID_V4:032x}"


SOURCES = (["", "newsletter", "mastodon", "email", "bluesky"], [50, 20, 12, 10, 8])


def _places(petition: Petition) -> list[tuple[tuple[str, str, str], float]]:
    """((country, region, culture), weight) pairs fitting the campaign."""
    campaign = petition.campaign
    if campaign.region_kind == RegionKind.NONE:
        return [(("", "", culture), weight) for _code, (weight, culture) in EU_COUNTRIES.items()]
    if campaign.region_kind == RegionKind.SUBDIVISION and campaign.region_country == "BR":
        rule = json.loads(QUORUMS.read_text(encoding="utf-8"))["tiremeurostodasuamira"]
        return [(("BR", code, "br"), place["electorate"]) for code, place in rule["places"].items()]
    if campaign.region_kind == RegionKind.SUBDIVISION:
        country = campaign.region_country
        culture = EU_COUNTRIES.get(country, (1, "de"))[1]
        return [((country, code, culture), 1.0) for code in sorted(subdivision_codes(country))]
    return [((code, "", culture), weight) for code, (weight, culture) in EU_COUNTRIES.items()]


def _next_number(petition: Petition) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            r"""SELECT coalesce(max(substring(email_key FROM '^seed-([0-9]+)@')::bigint), 0)
            FROM petitions_signature
            WHERE petition_id = %s AND email_key LIKE 'seed-%%@example.invalid'""",
            [petition.pk],
        )
        return cursor.fetchone()[0] + 1


_COLUMNS = (
    "public_id, petition_id, name, email, email_key, country, region, postal_code, locale, "
    "status, created_at, confirmed_at, counted, updates_opt_in, partner_id, source, ref, ip_hash, "
    "embed_origin, partner_opt_in, held_reason"
)

_UPSERT_COUNT = """
INSERT INTO petitions_signaturecount (petition_id, country, region, count, updated_at)
VALUES (%s, %s, %s, %s, now())
ON CONFLICT (petition_id, country, region)
DO UPDATE SET count = petitions_signaturecount.count + EXCLUDED.count, updated_at = now()
"""


class _GeneratorFile:
    """A read-only file over a generator of text blocks, for ``copy_expert``."""

    def __init__(self, blocks: Iterator[str]) -> None:
        self.blocks = blocks

    def read(self, size: int = -1) -> str:
        return next(self.blocks, "")

    readline = read


def seed_signatures(*, petition: Petition, count: int, seed: int | None = None) -> int:
    """Add ``count`` confirmed, already counted demo signatures; returns the first number used.

    Side effects: COPY into petitions_signature and an UPSERT of the stored counts, in one
    transaction under the petition's counting lock (so no flush counts them twice).
    """
    rng = random.Random(seed)
    bits = rng.getrandbits
    places, weights = zip(*_places(petition), strict=True)
    partners = list(petition.campaign.partners.values_list("pk", flat=True))
    full_names = {
        culture: (locale, [f"{g} {f}" for g in given for f in family])
        for culture, (locale, given, family) in NAMES.items()
    }
    # Minute timestamps over the last 30 days, formatted once: confirmations follow signing.
    now = timezone.now().replace(second=0, microsecond=0)
    minutes = [(now - datetime.timedelta(minutes=m)).isoformat() for m in range(30 * 1440, -1, -1)]
    last = len(minutes) - 1
    counts: Counter[tuple[str, str]] = Counter()

    def lines(number: int) -> Iterator[str]:
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            chosen = rng.choices(places, weights, k=size)
            sources = rng.choices(*SOURCES, k=size)
            block = []
            for (country, region, culture), source in zip(chosen, sources, strict=True):
                if rng.random() < 0.08:  # people move: a name from elsewhere
                    culture = rng.choice(MOVERS)
                locale, names = full_names[culture]
                email = f"seed-{number}@example.invalid"
                signed = rng.randrange(last)
                confirmed = min(last, signed + rng.randrange(120))
                partner = rng.choice(partners) if partners and rng.random() < 0.15 else None
                block.append(
                    f"{_uuid4_hex(bits(128))}\t{petition.pk}\t{rng.choice(names)}\t{email}\t"
                    f"{email}\t{country}\t{region}\t\t{locale}\tconfirmed\t{minutes[signed]}\t"
                    f"{minutes[confirmed]}\tt\t{'t' if rng.random() < 0.35 else 'f'}\t"
                    f"{partner if partner else chr(92) + 'N'}\t"
                    f"{'widget' if partner else source}\t\t\t\tf\t\n"
                )
                counts[country, region] += 1
                number += 1
            yield "".join(block)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, petition.pk])
        # Demo data: not worth waiting for the WAL flush at commit (a crash loses it whole).
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        first = _next_number(petition)
        # One COPY fed by a generator: PostgreSQL stores a block while Python makes the next.
        cursor.copy_expert(
            f"COPY petitions_signature ({_COLUMNS}) FROM STDIN", _GeneratorFile(lines(first))
        )
        cursor.executemany(
            _UPSERT_COUNT,
            [(petition.pk, country, region, n) for (country, region), n in counts.items()],
        )
    return first
