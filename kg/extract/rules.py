"""Extraction rules as data, read from ontology/rules/ and validated against the ontology at load."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from kg.config import DEFAULT, Settings
from kg.errors import ConfigError
from kg.normalize import to_match_key
from kg.ontology import read_ontology

PATTERNS = {"with", "with_far", "active", "passive", "list", "inside", "owner", "active_reverse", "title", "around", "around_reverse", "at", "role", "supporters", "family", "stake", "peers", "toward", "scene", "transfer", "transfer_stake"}
ACTOR_PROPERTIES = ("partnersWith", "competesWith", "investsIn", "acquires", "subsidiaryOf")  # relations between two actors


@dataclass(frozen=True)
class RelationRule:
    rule: str
    property: str
    triggers: tuple[str, ...]
    pattern: str
    head_types: tuple[str, ...]
    tail_types: tuple[str, ...]
    confidence: float


@dataclass(frozen=True)
class NameSuffix:
    suffix: str
    cls: str
    min_prefix: int
    max_tokens: int


@dataclass(frozen=True)
class FigureRule:
    rule: str
    kind: str
    unit: str
    confidence: float
    regex: re.Pattern


@dataclass(frozen=True)
class Rules:
    relations: tuple[RelationRule, ...]
    suffixes: tuple[NameSuffix, ...]
    figures: tuple[FigureRule, ...]
    coreference: dict  # word -> class
    stopwords: frozenset[str]
    surnames: frozenset[str]
    negations: frozenset[str]
    legal_forms: frozenset[str] = frozenset()  # tokens that end a company's registered name (有限公司, 总公司 …)
    name_inner_words: frozenset[str] = frozenset()  # words allowed inside a registered name (开发, 投资 …)
    short_name_cues: frozenset[str] = frozenset()  # X（以下简称“Y”）: words that introduce a short name
    stock_markers: frozenset[str] = frozenset()  # ST, *ST …: markers written right before a listed company's name
    topic_corefs: frozenset[str] = frozenset()  # 该公司 …: refer to the topic entity, not just the closest one
    places: frozenset[str] = frozenset()  # 大连, 常熟, 美国 …: place names that start company names
    stake_words: frozenset[str] = frozenset()  # 股权, 业务 …: a part of a company bought (A收购B的20%股权)
    ambiguous_names: dict = field(default_factory=dict)  # 联想 → 联想集团 …: short names that are ordinary words too
    company_cues: frozenset[str] = frozenset()  # 宣布, 旗下 …: words after a name that show it is a company
    coref_before: dict = field(default_factory=dict)  # 公司 → {控股股东 …}: refers back only right before one of them

    # derived tables, computed on first use (the rules are read once and shared by every Doc)
    @cached_property
    def titles(self) -> frozenset[str]:
        return frozenset(t for r in self.relations if r.pattern == "title" for t in r.triggers)

    def trigger_words(self) -> frozenset[str]:
        return self._trigger_words

    @cached_property
    def _trigger_words(self) -> frozenset[str]:
        return frozenset({t for r in self.relations if r.pattern != "family" for t in r.triggers}
                         | (set(self.coreference) - set(self.coref_before)))  # 公司 alone is no relation word

    @cached_property
    def actor_triggers(self) -> frozenset[str]:
        """Words that relate two actors (收购, 持股 …; not the generic verbs of launchesProduct/operatesIn)."""
        return frozenset(w for w, rs in self.relations_by_trigger.items()
                         if any(r.property in ACTOR_PROPERTIES and r.pattern not in ("supporters", "role") for r in rs))

    @cached_property
    def suffix_endings_by_last_char(self) -> dict[str, tuple[str, ...]]:
        """The name suffixes by their last character, as tuples for ``str.endswith``."""
        return {ch: tuple(suf.suffix for suf in sufs) for ch, sufs in self.suffixes_by_last_char.items()}

    @cached_property
    def industry_words(self) -> dict[str, NameSuffix]:
        """The name suffixes that are no legal form (国际, 地产, 药业 …), by word."""
        return {suf.suffix: suf for suf in self.suffixes if suf.suffix not in self.legal_forms}

    @cached_property
    def legal_forms_longest_first(self) -> tuple[str, ...]:
        return tuple(sorted(self.legal_forms, key=len, reverse=True))

    @cached_property
    def never_names(self) -> frozenset[str]:
        """Words that are never an unseen name on their own: stopwords, trigger words, references, surnames."""
        return frozenset(self.stopwords | self._trigger_words | self.surnames)  # trigger words include references

    @cached_property
    def suffix_words(self) -> frozenset[str]:
        return frozenset(suf.suffix for suf in self.suffixes)

    @cached_property
    def suffixes_by_last_char(self) -> dict[str, tuple[NameSuffix, ...]]:
        """Name suffixes by their last character, longest first (the order of ``suffixes``)."""
        out: dict[str, list[NameSuffix]] = {}
        for suf in self.suffixes:
            out.setdefault(suf.suffix[-1], []).append(suf)
        return {ch: tuple(sufs) for ch, sufs in out.items()}

    @cached_property
    def negation_re(self) -> re.Pattern | None:
        """Finds any negation word (None when there are none)."""
        if not self.negations:
            return None
        return re.compile("|".join(re.escape(w) for w in sorted(self.negations)))

    @cached_property
    def stake_re(self) -> re.Pattern:
        """Finds a stake word (never matches when there are none)."""
        return re.compile("|".join(map(re.escape, sorted(self.stake_words))) or r"(?!)")

    @cached_property
    def peer_rules(self) -> tuple[RelationRule, ...]:
        """The rules that relate the names of a coordinated list when a trigger is anywhere in the sentence."""
        return tuple(r for r in self.relations if r.pattern == "peers")

    @cached_property
    def peer_words(self) -> frozenset[str]:
        return frozenset(t for r in self.peer_rules for t in r.triggers)

    @cached_property
    def deal_object_words(self) -> frozenset[str]:
        """Words whose object is a company or a share of one (收购, 持有, 增持 …): the triggers of the active,
        stake and around acquisition and investment rules."""
        return frozenset(t for r in self.relations if r.property in ("acquires", "investsIn")
                         and r.pattern in ("active", "stake", "around") for t in r.triggers)

    @cached_property
    def deal_words(self) -> frozenset[str]:
        """Trigger words of a deal between two actors (合作, 收购, 持股 …; not competition): a list in a sentence
        with one is a list of parties, not of peers."""
        deals = {"partnersWith", "investsIn", "acquires", "subsidiaryOf"}
        return frozenset(w for w, rs in self.relations_by_trigger.items()
                         if any(r.property in deals and r.pattern not in ("supporters", "role") for r in rs))

    @cached_property
    def sentence_words(self) -> frozenset[str]:
        """The words the relation stage looks for in a text: trigger words and peer words."""
        return frozenset(self.relations_by_trigger) | self.peer_words

    @cached_property
    def family_rules(self) -> tuple[RelationRule, ...]:
        """The rules with no trigger in the text: their trigger words end a parent's name (pattern family)."""
        return tuple(r for r in self.relations if r.pattern == "family")

    @cached_property
    def name_parts(self) -> frozenset[str]:
        """Words that say what a company does: the inner words of registered names and the industry words."""
        return frozenset(self.name_inner_words | set(self.industry_words))

    def inner_word(self, word: str) -> bool:
        """A word that may sit inside a registered name (name_inner_words.txt), or two of them that jieba
        joined into one token (能源 + 开发 → 能源开发)."""
        return made_of(word, self.name_inner_words)

    @cached_property
    def group_words(self) -> tuple[str, ...]:
        """The words that end a group's name (集团, 控股集团 …: the family rules' triggers), longest first."""
        return tuple(sorted({t for r in self.family_rules for t in r.triggers}, key=len, reverse=True))

    @cached_property
    def relations_by_trigger(self) -> dict[str, tuple[RelationRule, ...]]:
        """The relation rules each trigger word fires, in file order."""
        out: dict[str, list[RelationRule]] = {}
        for r in self.relations:
            for t in r.triggers:
                if r.pattern not in ("family", "peers"):  # family: no trigger; peers: checked once per sentence
                    out.setdefault(t, []).append(r)
        return {t: tuple(rules) for t, rules in out.items()}


def made_of(word: str, parts) -> bool:
    """Is ``word`` one of ``parts``, or two of them written as one token (能源 + 开发 → 能源开发)?"""
    return word in parts or any(word[:k] in parts and word[k:] in parts for k in range(1, len(word)))


def _table(path: Path) -> list[tuple[int, dict]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read rule file ({exc}).") from exc
    body = [(n, l) for n, l in enumerate(lines, 1) if l.strip() and not l.startswith("#")]
    header = body[0][1].split("\t")
    rows = []
    for n, line in body[1:]:
        cells = line.split("\t")
        if len(cells) != len(header):
            raise ConfigError(f"{path}:{n}: expected {len(header)} tab-separated columns ({', '.join(header)}), found {len(cells)}.")
        rows.append((n, dict(zip(header, (c.strip() for c in cells)))))
    return rows


def _words(path: Path) -> frozenset[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read word list ({exc}).") from exc
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


@lru_cache(maxsize=4)
def read_rules(settings: Settings = DEFAULT) -> Rules:
    onto = read_ontology(settings.path(settings.ontology_file))
    d = settings.path(settings.rules_dir)
    problems: list[str] = []

    relations = []
    for n, r in _table(d / "relations.tsv"):
        where = f"{d / 'relations.tsv'}:{n}"
        if r["property"] not in onto.object_properties:
            problems.append(f"{where}: property {r['property']!r} is not an object property of the ontology")
        if r["pattern"] not in PATTERNS:
            problems.append(f"{where}: pattern {r['pattern']!r} is not one of {sorted(PATTERNS)}")
        for c in r["head_types"].split("|") + r["tail_types"].split("|"):
            if c not in onto.classes:
                problems.append(f"{where}: class {c!r} is not in the ontology")
        # the text is normalised before matching (ASCII lower-cased, half-width: CEO → ceo): so are the triggers
        triggers = tuple(dict.fromkeys(to_match_key(t) for t in r["triggers"].split("|")))
        relations.append(RelationRule(r["rule"], r["property"], triggers, r["pattern"],
                                      tuple(r["head_types"].split("|")), tuple(r["tail_types"].split("|")),
                                      float(r["confidence"])))
    suffixes = []
    for n, r in _table(d / "names.tsv"):
        if r["class"] not in onto.classes:
            problems.append(f"{d / 'names.tsv'}:{n}: class {r['class']!r} is not in the ontology")
        suffixes.append(NameSuffix(r["suffix"], r["class"], int(r["min_prefix"]), int(r["max_tokens"])))
    figures = []
    for n, r in _table(d / "figures.tsv"):
        try:
            rx = re.compile(r["regex"])
        except re.error as exc:
            problems.append(f"{d / 'figures.tsv'}:{n}: bad regular expression ({exc})")
            continue
        if "value" not in rx.groupindex:
            problems.append(f"{d / 'figures.tsv'}:{n}: the regex needs a (?P<value>...) group")
        figures.append(FigureRule(r["rule"], r["kind"], r["unit"], float(r["confidence"]), rx))
    coref, topic_words, coref_before = {}, set(), {}
    for n, r in _table(d / "coreference.tsv"):
        if r["class"] not in onto.classes:
            problems.append(f"{d / 'coreference.tsv'}:{n}: class {r['class']!r} is not in the ontology")
        coref[r["word"]] = r["class"]
        if r["before"]:
            coref_before[r["word"]] = frozenset(w for w in r["before"].split("|") if w)
        if r["refers_to"] not in ("nearest", "topic"):
            problems.append(f"{d / 'coreference.tsv'}:{n}: refers_to must be nearest or topic, not {r['refers_to']!r}")
        elif r["refers_to"] == "topic":
            topic_words.add(r["word"])
    ambiguous = {}
    for n, r in _table(d / "ambiguous_names.tsv"):
        ambiguous[r["surface"]] = r["entity"]
    if problems:
        raise ConfigError("rule files have problems:\n  - " + "\n  - ".join(problems))
    return Rules(tuple(relations), tuple(sorted(suffixes, key=lambda s: -len(s.suffix))), tuple(figures), coref,
                 _words(d / "stopwords.txt"), _words(d / "surnames.txt"), _words(d / "negations.txt"),
                 _words(d / "legal_forms.txt"), _words(d / "name_inner_words.txt"), _words(d / "short_name_cues.txt"),
                 _words(d / "stock_markers.txt"), frozenset(topic_words), _words(d / "places.txt"),
                 _words(d / "stake_words.txt"), ambiguous, _words(d / "company_cues.txt"), coref_before)
