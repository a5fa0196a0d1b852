"""Where suggestions live: the article page's one query, the full rebuild and the on-save refresh.

Indexed articles are the published ones, scheduled included (their suggestions are ready when
their time comes). What readers see is decided at display time by `Article.objects.published()`,
so an article that is unpublished or deleted leaves every list at once.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone

from articles.models import Article, PinnedRelated, TaggedArticle

from . import engine
from .models import RelatedBuild, RelatedPosting, RelatedProfile, RelatedSuggestion, RelatedTerm
from .text import EMPTY_SIGNATURE, SIGNATURE_SIZE, resemblance

# Up to this many indexed articles a save simply rebuilds everything: it takes well under a
# second and gives exactly the rebuild's lists. Above it, a save updates incrementally.
SMALL_CORPUS = 500
LEXICAL_CANDIDATES = 200  # from the inverted index
QUERY_TERMS = 30  # the article's heaviest terms used to find them
SECOND_HOP_FROM = 20  # the suggestions of this many best lexical candidates are candidates too
BUILD_ID = 1
Progress = Callable[[str, int, int], None]


# --- Reading: the article page -------------------------------------------------------------


def related_articles(article: Article, limit: int | None = None) -> list[Article]:
    """The article's related articles in one query: pinned ones in the editor's order, then
    computed ones best first; only visible articles, never the article itself."""
    limit = limit or settings.NEWSROOM["RELATED_COUNT"]
    pinned = PinnedRelated.objects.filter(article=article.pk).order_by().values("related_id")
    computed = RelatedSuggestion.objects.filter(article=article.pk).order_by().values("related_id")
    return list(
        Article.objects.published()
        .filter(pk__in=pinned.union(computed, all=True))
        .exclude(pk=article.pk)
        .alias(
            pin=FilteredRelation("pinned_as", condition=Q(pinned_as__article=article.pk)),
            computed=FilteredRelation(
                "suggested_as", condition=Q(suggested_as__article=article.pk)
            ),
        )
        .select_related("section")
        .defer("body", "body_html")  # cards print neither
        .order_by(
            F("pin__position").asc(nulls_last=True),
            F("pin__id").asc(nulls_last=True),
            F("computed__rank").asc(nulls_last=True),
            "pk",
        )[:limit]
    )


# --- What the engine reads from an article --------------------------------------------------


def indexed_articles():
    return Article.objects.filter(status=Article.Status.PUBLISHED)


def _days(when) -> float:
    return when.timestamp() / 86400 if when else 0.0


def _vector_bytes(vector: np.ndarray | None) -> bytes:
    return b"" if vector is None else np.asarray(vector, dtype=engine.FLOAT).tobytes()


def _from_bytes(blob, dtype=engine.FLOAT) -> np.ndarray | None:
    return np.frombuffer(bytes(blob), dtype=dtype) if blob else None


# --- Writing many rows fast ----------------------------------------------------------------


def _insert(model, fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert plain rows: COPY on PostgreSQL, executemany elsewhere."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        batch: list[Sequence] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _insert_columns(model, columns: dict[str, tuple[np.ndarray, str]]) -> None:
    """Insert numeric columns given as numpy arrays ({field: (values, ">i4"|">i8"|">f8"...)}):
    PostgreSQL's binary COPY, built by numpy, on PostgreSQL; executemany elsewhere."""
    fields = list(columns)
    count = len(next(iter(columns.values()))[0])
    if not count:
        return
    if connection.vendor != "postgresql":
        _insert(
            model, fields, zip(*(values.tolist() for values, _ in columns.values()), strict=True)
        )
        return
    layout = [("fields", ">i2")]
    for name, (_, kind) in columns.items():
        layout += [(f"{name}_size", ">i4"), (name, kind)]
    rows = np.empty(count, dtype=layout)
    rows["fields"] = len(columns)
    for name, (values, kind) in columns.items():
        rows[f"{name}_size"] = np.dtype(kind).itemsize
        rows[name] = values
    qn = connection.ops.quote_name
    names = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {qn(model._meta.db_table)} ({names}) FROM STDIN WITH (FORMAT BINARY)"
        ) as copy,
    ):
        copy.write(b"PGCOPY\n\xff\r\n\x00" + bytes(8) + rows.tobytes() + b"\xff\xff")


def _chunks(values: Sequence, size: int = 900):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _delete_for(articles: Sequence[int]) -> None:
    for part in _chunks(list(articles)):
        RelatedPosting.objects.filter(article_id__in=part).delete()
        RelatedSuggestion.objects.filter(article_id__in=part).delete()
        RelatedProfile.objects.filter(article_id__in=part).delete()


# --- Full rebuild ---------------------------------------------------------------------------


@dataclass
class RebuildReport:
    articles: int
    resumed_from: int
    seconds: float


def _fingerprint() -> str:
    digest = hashlib.sha256(repr(engine.PARAMS).encode())
    for pk, updated in indexed_articles().order_by("pk").values_list("pk", "updated_at"):
        digest.update(f"{pk}:{updated.isoformat()};".encode())
    return digest.hexdigest()


def _read_corpus(progress: Progress | None) -> engine.Corpus:
    tags: dict[int, list[str]] = {}
    for pk, slug in (
        TaggedArticle.objects.filter(content_object__status=Article.Status.PUBLISHED)
        .order_by("content_object_id", "tag__slug")
        .values_list("content_object_id", "tag__slug")
    ):
        tags.setdefault(pk, []).append(slug)
    total = indexed_articles().count()
    ids, counts, days, sections, signatures = [], [], [], [], []
    rows = (
        indexed_articles()
        .order_by("pk")
        .values_list("pk", "title", "standfirst", "body", "language", "published_at", "section_id")
    )
    for pk, title, standfirst, body, language, published_at, section_id in rows.iterator(2000):
        ids.append(pk)
        found, wording = engine.document(title, standfirst, body, tags.get(pk, ()), language)
        counts.append(found)
        signatures.append(wording)
        days.append(_days(published_at))
        sections.append(section_id)
        if progress and (len(ids) % 2000 == 0 or len(ids) == total):
            progress("reading", len(ids), total)
    sig = np.array(signatures, dtype=np.uint32).reshape(len(ids), SIGNATURE_SIZE)
    return engine.build_corpus(ids, counts, days, sections, sig)


def _checkpoint_path(fingerprint: str) -> Path:
    name = connection.settings_dict.get("NAME") or "db"
    key = hashlib.sha256(f"{connection.vendor}:{name}".encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"newsroom-related-{key}-{fingerprint[:16]}.npz"


def _save_checkpoint(path: Path, corpus: engine.Corpus, lists) -> None:
    stored = engine.PARAMS.stored
    rows = np.full((corpus.size, stored), -1, dtype=np.int64)
    scores = np.zeros((corpus.size, stored), dtype=engine.FLOAT)
    for i, chosen in enumerate(lists):
        for r, (j, s) in enumerate(chosen):
            rows[i, r], scores[i, r] = j, s
    x = corpus.x
    arrays = {
        "ids": corpus.ids,
        "days": corpus.days,
        "sections": corpus.sections,
        "df": corpus.df,
        "terms": np.frombuffer("\n".join(corpus.terms).encode(), dtype=np.uint8),
        "x_data": x.data,
        "x_indices": x.indices,
        "x_indptr": x.indptr,
        "x_shape": np.array(x.shape),
        "hub": corpus.hub,
        "rows": rows,
        "scores": scores,
        "signatures": corpus.signatures,
    }
    for name in ("term_vectors", "latent", "spectral"):
        if getattr(corpus, name) is not None:
            arrays[name] = getattr(corpus, name)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(path)


def _load_checkpoint(path: Path):
    data = np.load(path)
    terms = bytes(data["terms"]).decode().split("\n") if len(data["terms"]) else []
    corpus = engine.Corpus(
        ids=data["ids"],
        days=data["days"],
        sections=data["sections"],
        terms=terms,
        df=data["df"],
        x=sp.csr_matrix(
            (data["x_data"], data["x_indices"], data["x_indptr"]), shape=tuple(data["x_shape"])
        ),
        term_vectors=data.get("term_vectors"),
        latent=data.get("latent"),
        spectral=data.get("spectral"),
        signatures=data["signatures"],
        hub=data["hub"],
    )
    lists = [
        [(int(j), float(s)) for j, s in zip(r, sc, strict=True) if j >= 0]
        for r, sc in zip(data["rows"], data["scores"], strict=True)
    ]
    return corpus, lists


def _write_vocabulary(corpus: engine.Corpus) -> np.ndarray:
    """Replace the vocabulary, keeping the id of every known term (postings of articles not yet
    rewritten keep meaning the same words). Returns the id of each corpus term."""
    existing = dict(RelatedTerm.objects.values_list("term", "id"))
    next_id = max(existing.values(), default=0) + 1
    ids = np.zeros(len(corpus.terms), dtype=np.int64)
    for j, term in enumerate(corpus.terms):
        if term in existing:
            ids[j] = existing[term]
        else:
            ids[j] = next_id
            next_id += 1
    vectors = corpus.term_vectors
    RelatedTerm.objects.all().delete()
    _insert(
        RelatedTerm,
        ["id", "term", "df", "vector"],
        (
            (
                int(ids[j]),
                term,
                int(corpus.df[j]),
                b"" if vectors is None or not vectors[j].any() else vectors[j].tobytes(),
            )
            for j, term in enumerate(corpus.terms)
        ),
    )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(_NoStyle(), [RelatedTerm]):
            cursor.execute(sql)
    return ids


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text


def _write_batch(corpus: engine.Corpus, lists, term_ids: np.ndarray, start: int, stop: int) -> None:
    now = timezone.now()
    articles = [int(pk) for pk in corpus.ids[start:stop]]
    _delete_for(articles)
    x = corpus.x
    _insert(
        RelatedProfile,
        ["article", "latent", "spectral", "signature", "hub", "updated_at"],
        (
            (
                int(corpus.ids[i]),
                _vector_bytes(None if corpus.latent is None else corpus.latent[i]),
                _vector_bytes(None if corpus.spectral is None else corpus.spectral[i]),
                corpus.signatures[i].astype(np.uint32).tobytes(),
                float(corpus.hub[i]) if len(corpus.hub) else 0.0,
                now,
            )
            for i in range(start, stop)
        ),
    )
    lo, hi = x.indptr[start], x.indptr[stop]
    terms = term_ids[x.indices[lo:hi]]
    owners = np.repeat(corpus.ids[start:stop], np.diff(x.indptr[start : stop + 1]))
    # In index order: PostgreSQL then walks the (term, article) index once per batch.
    order = np.lexsort((owners, terms))
    _insert_columns(
        RelatedPosting,
        {
            "term": (terms[order], ">i4"),
            "article": (owners[order], ">i8"),
            "weight": (x.data[lo:hi][order].astype(np.float64), ">f8"),
        },
    )
    owners, related, ranks, scores = [], [], [], []
    for i in range(start, stop):
        for rank, (j, score) in enumerate(lists[i], start=1):
            owners.append(corpus.ids[i])
            related.append(corpus.ids[j])
            ranks.append(rank)
            scores.append(score)
    _insert_columns(
        RelatedSuggestion,
        {
            "article": (np.array(owners, dtype=np.int64), ">i8"),
            "related": (np.array(related, dtype=np.int64), ">i8"),
            "rank": (np.array(ranks, dtype=np.int16), ">i2"),
            "score": (np.array(scores, dtype=np.float64), ">f8"),
        },
    )


def rebuild(
    *, batch_size: int = 2000, resume: bool = False, progress: Progress | None = None
) -> RebuildReport:
    """Recompute every indexed article's suggestions. Writes go in batches, each in its own
    transaction; `resume=True` continues an interrupted rebuild where it stopped, provided the
    articles did not change meanwhile (the computed model is kept in a temporary file)."""
    started = timezone.now()
    fingerprint = _fingerprint()
    path = _checkpoint_path(fingerprint)
    state = RelatedBuild.objects.filter(pk=BUILD_ID).first()
    resuming = bool(
        resume
        and state
        and state.status == RelatedBuild.Status.WRITING
        and state.signature == fingerprint
    )
    if resuming and path.exists():
        corpus, lists = _load_checkpoint(path)
    else:
        corpus = _read_corpus(progress)
        lists = engine.rank_all(corpus, progress=progress)
        if corpus.size > batch_size:
            _save_checkpoint(path, corpus, lists)
    n = corpus.size
    start = min(state.written, n) if resuming and state else 0
    for stale_file in path.parent.glob(path.name.rsplit("-", 1)[0] + "-*.npz"):
        if stale_file != path:
            stale_file.unlink(missing_ok=True)
    with transaction.atomic():
        _lock()
        term_ids = _write_vocabulary(corpus)
        if not resuming:
            RelatedBuild.objects.update_or_create(
                pk=BUILD_ID,
                defaults={
                    "status": RelatedBuild.Status.WRITING,
                    "documents": n,
                    "signature": fingerprint,
                    "written": 0,
                    "finished_at": None,
                },
            )
    for batch_start in range(start, n, max(batch_size, 1)):
        batch_stop = min(batch_start + batch_size, n)
        with transaction.atomic():
            _lock()
            _write_batch(corpus, lists, term_ids, batch_start, batch_stop)
            RelatedBuild.objects.filter(pk=BUILD_ID).update(written=batch_stop)
        if progress:
            progress("writing", batch_stop, n)
    with transaction.atomic():
        _lock()
        stale = list(
            RelatedProfile.objects.exclude(article__status=Article.Status.PUBLISHED).values_list(
                "article_id", flat=True
            )
        )
        _delete_for(stale)
        for part in _chunks(stale):
            RelatedSuggestion.objects.filter(related_id__in=part).delete()
        RelatedBuild.objects.filter(pk=BUILD_ID).update(
            status=RelatedBuild.Status.READY, documents=n, written=n, finished_at=timezone.now()
        )
    path.unlink(missing_ok=True)
    return RebuildReport(n, start, (timezone.now() - started).total_seconds())


# --- On-save refresh ------------------------------------------------------------------------


def refresh(article_id: int) -> None:
    """Bring one article's suggestions, and the lists it belongs in, up to date."""
    state = RelatedBuild.objects.filter(pk=BUILD_ID).values_list("documents", flat=True).first()
    if (state or 0) <= SMALL_CORPUS and indexed_articles().count() <= SMALL_CORPUS:
        with transaction.atomic():
            _lock()
            rebuild(batch_size=SMALL_CORPUS + 1)
        return
    with transaction.atomic():
        _lock()
        article = indexed_articles().filter(pk=article_id).first()
        if article is None:
            forget(article_id)
        else:
            _index(article)


def _lock() -> None:
    """One writer at a time on the engine's tables (rebuild batches, on-save refreshes): two
    refreshes rewriting the same list would otherwise collide on its ranks."""
    RelatedBuild.objects.get_or_create(pk=BUILD_ID, defaults={"status": RelatedBuild.Status.READY})
    list(RelatedBuild.objects.select_for_update().filter(pk=BUILD_ID).values_list("pk"))


def forget(article_id: int) -> None:
    """Take an article out of the index and out of every list."""
    had_profile = RelatedProfile.objects.filter(article_id=article_id).delete()[0] > 0
    RelatedPosting.objects.filter(article_id=article_id).delete()
    RelatedSuggestion.objects.filter(Q(article_id=article_id) | Q(related_id=article_id)).delete()
    if had_profile:
        RelatedBuild.objects.filter(pk=BUILD_ID, documents__gt=0).update(
            documents=F("documents") - 1
        )


def _vocabulary(counts: dict[str, float], is_new: bool) -> dict[str, tuple[int, int, bytes]]:
    """term -> (id, df, latent row) for the article's terms, counting the article in."""
    terms = list(counts)
    known: dict[str, tuple[int, int, bytes]] = {}
    for part in _chunks(terms):
        for pk, term, df, vector in RelatedTerm.objects.filter(term__in=part).values_list(
            "id", "term", "df", "vector"
        ):
            known[term] = (pk, df + (1 if is_new else 0), bytes(vector))
    if is_new and known:
        for part in _chunks(list(known)):
            RelatedTerm.objects.filter(term__in=part).update(df=F("df") + 1)
    missing = [t for t in terms if t not in known]
    if missing:
        RelatedTerm.objects.bulk_create(
            [RelatedTerm(term=t, df=1) for t in missing], ignore_conflicts=True
        )
        for part in _chunks(missing):
            for pk, term, df in RelatedTerm.objects.filter(term__in=part).values_list(
                "id", "term", "df"
            ):
                known[term] = (pk, max(df, 1), b"")
    return known


def _lexical(
    vector: dict[int, float],
    exclude: int,
    *,
    among: Sequence[int] | None = None,
    limit: int | None = None,
) -> dict[int, float]:
    """Dot products with the article's vector from the inverted index, in one query."""
    if not vector:
        return {}
    qn = connection.ops.quote_name
    values = ", ".join(["(%s, %s)"] * len(vector))
    params: list = [v for item in sorted(vector.items()) for v in item]
    sql = (
        f"WITH q(term, weight) AS (VALUES {values}) "
        f"SELECT p.{qn('article_id')}, SUM(p.{qn('weight')} * q.weight) AS score "
        f"FROM {qn(RelatedPosting._meta.db_table)} p JOIN q ON p.{qn('term')} = q.term "
        f"WHERE p.{qn('article_id')} <> %s"
    )
    params.append(exclude)
    if among is not None:
        if not among:
            return {}
        sql += f" AND p.{qn('article_id')} IN ({', '.join(['%s'] * len(among))})"
        params.extend(among)
    sql += f" GROUP BY p.{qn('article_id')}"
    if limit is not None:
        sql += f" ORDER BY score DESC, p.{qn('article_id')} LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(pk): float(score) for pk, score in cursor.fetchall()}


def _index(article: Article) -> None:
    params = engine.PARAMS
    pk = article.pk
    tags = sorted(article.tags.values_list("slug", flat=True))
    counts, own_signature = engine.document(
        article.title, article.standfirst, article.body, tags, article.language
    )
    is_new = not RelatedProfile.objects.filter(article_id=pk).exists()
    state, _ = RelatedBuild.objects.get_or_create(
        pk=BUILD_ID, defaults={"status": RelatedBuild.Status.READY, "documents": 0}
    )
    if is_new:
        RelatedBuild.objects.filter(pk=BUILD_ID).update(documents=F("documents") + 1)
    n = state.documents + (1 if is_new else 0)
    vocabulary = _vocabulary(counts, is_new)
    # Never fewer documents than a term's count (a site that was never rebuilt).
    n = max([n, *(v[1] for v in vocabulary.values())])
    weights = engine.weigh(counts, {t: v[1] for t, v in vocabulary.items()}, n, params)
    vector = {vocabulary[t][0]: w for t, w in weights.items()}

    latent = None
    rows = [(w, vocabulary[t][2]) for t, w in weights.items() if vocabulary[t][2]]
    if rows:
        latent = sum(w * np.frombuffer(blob, dtype=engine.FLOAT) for w, blob in rows)
        latent = engine.normalise_rows(latent)[0]

    # Candidates: the best matches on the article's heaviest (rarest) terms, whose postings are
    # short, and what those already suggest; then exact lexical scores for all of them.
    heaviest = dict(sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:QUERY_TERMS])
    found = _lexical(heaviest, pk, limit=LEXICAL_CANDIDATES)
    best = sorted(found, key=lambda c: (-found[c], c))[:SECOND_HOP_FROM]
    hop = set(
        RelatedSuggestion.objects.filter(article_id__in=best).values_list("related_id", flat=True)
    )
    hop |= set(RelatedSuggestion.objects.filter(article_id=pk).values_list("related_id", flat=True))
    candidates = sorted((set(found) | hop) - {pk})
    lexical = dict.fromkeys(candidates, 0.0)
    for part in _chunks(candidates):
        lexical.update(_lexical(vector, pk, among=part))

    profiles = {
        row[0]: row
        for part in _chunks(candidates)
        for row in RelatedProfile.objects.filter(article_id__in=part).values_list(
            "article_id",
            "latent",
            "spectral",
            "signature",
            "hub",
            "article__published_at",
            "article__section_id",
        )
    }
    candidates = [c for c in candidates if c in profiles]
    m = len(candidates)
    lex = np.array([lexical[c] for c in candidates], dtype=np.float64)
    base = lex.copy()
    latents = [_from_bytes(profiles[c][1]) for c in candidates]
    if latent is not None and m and all(v is not None and len(v) == len(latent) for v in latents):
        base = (1 - params.lsa_weight) * lex + params.lsa_weight * (np.vstack(latents) @ latent)
    days = np.array([_days(profiles[c][5]) for c in candidates])
    gap = np.abs(days - _days(article.published_at))
    base += params.recency_weight * np.exp(-gap / params.recency_days)
    base += params.section_weight * (
        np.array([profiles[c][6] for c in candidates]) == article.section_id
    )

    spectral = None
    rows_spectral = [_from_bytes(profiles[c][2]) for c in candidates]
    if m and all(v is not None for v in rows_spectral):
        near = np.lexsort((np.array(candidates), -base))[: params.spectral_neighbours]
        spectral = engine.spectral_fold_in(np.vstack([rows_spectral[i] for i in near]), base[near])
        unit = engine.normalise_rows(spectral)[0]
        base = base + params.spectral_weight * (
            engine.normalise_rows(np.vstack(rows_spectral)) @ unit
        )
    top = np.sort(base)[::-1][: params.hub_neighbours]
    hub = float(top.mean()) if len(top) else 0.0
    hubs = np.array([profiles[c][4] for c in candidates], dtype=np.float64)
    signatures = {
        c: _from_bytes(profiles[c][3], np.uint32) if profiles[c][3] else EMPTY_SIGNATURE
        for c in candidates
    }

    # The article's own list.
    final = base - params.hub_penalty * hubs
    order = np.lexsort((np.array(candidates, dtype=np.int64), -final)) if m else []
    ranked = [candidates[i] for i in order[: params.stored * 2]]
    score_of = {candidates[i]: float(final[i]) for i in range(m)}

    def duplicate(a: int, b: int) -> bool:
        return resemblance(signatures[a], signatures[b]) > params.duplicate_threshold

    own = engine.select(ranked, [score_of[c] for c in ranked], duplicate, params.stored)

    # The lists it now belongs in: wherever it beats the last kept suggestion.
    if not is_new:
        RelatedSuggestion.objects.filter(related_id=pk).delete()
    lists: dict[int, list[tuple[int, float]]] = {}
    for part in _chunks(candidates):
        for owner, related, score in (
            RelatedSuggestion.objects.filter(article_id__in=part)
            .order_by("article_id", "rank")
            .values_list("article_id", "related_id", "score")
        ):
            lists.setdefault(owner, []).append((related, score))
    reverse = base - params.hub_penalty * hub
    changed: dict[int, list[tuple[int, float]]] = {}
    for i, owner in enumerate(candidates):
        current = lists.get(owner, [])
        score = float(reverse[i])
        if len(current) >= params.stored and score <= current[-1][1]:
            continue
        changed[owner] = current + [(pk, score)]
    if changed:
        members = {r for items in changed.values() for r, _ in items} - set(signatures) - {pk}
        for part in _chunks(sorted(members)):
            for member, blob in RelatedProfile.objects.filter(article_id__in=part).values_list(
                "article_id", "signature"
            ):
                signatures[member] = _from_bytes(blob, np.uint32) if blob else EMPTY_SIGNATURE
        signatures[pk] = own_signature
        for owner, items in list(changed.items()):
            items.sort(key=lambda item: (-item[1], item[0]))
            kept = engine.select(
                [r for r, _ in items],
                [s for _, s in items],
                lambda a, b: (
                    resemblance(
                        signatures.get(a, EMPTY_SIGNATURE), signatures.get(b, EMPTY_SIGNATURE)
                    )
                    > params.duplicate_threshold
                ),
                params.stored,
            )
            if all(r != pk for r, _ in kept):
                del changed[owner]
            else:
                changed[owner] = kept

    RelatedSuggestion.objects.filter(article_id=pk).delete()
    for part in _chunks(sorted(changed)):
        RelatedSuggestion.objects.filter(article_id__in=part).delete()
    RelatedSuggestion.objects.bulk_create(
        [
            RelatedSuggestion(article_id=owner, related_id=r, rank=rank, score=s)
            for owner, items in [(pk, own), *sorted(changed.items())]
            for rank, (r, s) in enumerate(items, start=1)
        ]
    )
    RelatedProfile.objects.update_or_create(
        article_id=pk,
        defaults={
            "latent": _vector_bytes(latent),
            "spectral": _vector_bytes(spectral),
            "signature": own_signature.tobytes(),
            "hub": hub,
        },
    )
    RelatedPosting.objects.filter(article_id=pk).delete()
    RelatedPosting.objects.bulk_create(
        [RelatedPosting(term=t, article_id=pk, weight=w) for t, w in sorted(vector.items())]
    )
