"""The numbers behind related articles: no database here, only numpy and scipy.

An article becomes a weighted bag of words (`document`): headline words count twice,
standfirst words one and a half times, body words once, each tag half (as a `#tag` term).
Weights are TF-IDF with a sublinear term frequency, each article keeps its `max_terms`
heaviest terms, and the vector is L2-normalised. Similarity of two articles is

    (1 - lsa_weight) * lexical cosine + lsa_weight * latent cosine      (LSA, truncated SVD)
    + spectral_weight * cosine in a spectral embedding of the neighbour graph
    + recency_weight * exp(-|days apart| / recency_days) + section_weight * same section

and a candidate is ranked by that similarity minus `hub_penalty` times its own "hubness" (the
mean similarity of its ten nearest neighbours; CSLS, Conneau et al. 2018), so that a few
generic articles do not end up in every list. The settings were chosen on random halves of
the evaluation corpora and checked on the other halves (bench/RESULTS.md).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .text import EMPTY_SIGNATURE, SIGNED_WORDS, analyse, signature

FLOAT = np.float32
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Params:
    title_weight: float = 2.0
    standfirst_weight: float = 1.5
    tag_weight: float = 0.5
    max_terms: int = 100  # terms kept per article
    min_df: int = 2  # a term must appear in this many articles to count
    lsa_weight: float = 0.5
    lsa_dims_max: int = 128  # about sqrt(number of articles), within [8, lsa_dims_max]
    spectral_weight: float = 0.2
    spectral_neighbours: int = 20
    spectral_dims_max: int = 64  # about sqrt(number of articles) / 2, within [8, max]
    hub_penalty: float = 0.2
    hub_neighbours: int = 10
    recency_weight: float = 0.03
    recency_days: float = 30.0
    section_weight: float = 0.02
    duplicate_threshold: float = 0.5  # shared wording (MinHash) above which two are one story
    candidates: int = 50  # per article, before re-ranking
    stored: int = 10  # suggestions kept per article

    def lsa_dims(self, n: int) -> int:
        return int(min(max(round(math.sqrt(n)), 8), self.lsa_dims_max))

    def spectral_dims(self, n: int) -> int:
        return int(min(max(round(math.sqrt(n) / 2), 8), self.spectral_dims_max))


PARAMS = Params()
MIN_LSA_DOCUMENTS = 10
LSA_SAMPLE = 20_000
THREADS = 2
MIN_SPECTRAL_DOCUMENTS = 50
SPECTRAL_ITERATIONS = 20


def document(
    title: str,
    standfirst: str,
    body: str,
    tags: Iterable[str],
    language: str,
    params: Params = PARAMS,
) -> tuple[dict[str, float], np.ndarray]:
    """An article's weighted term counts, and the MinHash signature of its wording."""
    counts: dict[str, float] = {}
    words: list[str] = []
    for weight, text in (
        (params.title_weight, title),
        (params.standfirst_weight, standfirst),
        (1.0, body),
    ):
        found, text_words = analyse(text, language)
        for term, count in Counter(found).items():
            counts[term] = counts.get(term, 0.0) + weight * count
        if len(words) < SIGNED_WORDS:
            words.extend(text_words[:SIGNED_WORDS])
    for tag in tags:
        term = f"#{tag}"[:100]
        counts[term] = counts.get(term, 0.0) + params.tag_weight
    return counts, signature(words=words)


def idf(df: np.ndarray | float, n: int) -> np.ndarray | float:
    return np.log((n + 1) / (np.asarray(df, dtype=np.float64) + 1)) + 1


def weigh(
    counts: dict[str, float], df: dict[str, int], n: int, params: Params = PARAMS
) -> dict[str, float]:
    """One article's pruned, L2-normalised TF-IDF vector, from the corpus's document counts."""
    weights = {
        term: (1 + math.log(count)) * float(idf(df[term], n))
        for term, count in counts.items()
        if df.get(term, 0) >= params.min_df and count > 0
    }
    kept = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[: params.max_terms]
    norm = math.sqrt(sum(w * w for _, w in kept)) or 1.0
    return {term: w / norm for term, w in kept}


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.atleast_2d(matrix)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return (matrix / norms).astype(FLOAT)


def randomized_svd(
    x: sp.csr_matrix, k: int, *, oversample: int = 10, iterations: int = 5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Top-k singular values and right vectors of `x` (Halko, Martinsson and Tropp), seeded."""
    rng = np.random.default_rng(seed)
    width = min(k + oversample, min(x.shape))
    q, _ = np.linalg.qr(x @ rng.standard_normal((x.shape[1], width)).astype(FLOAT))
    for _ in range(iterations):
        z, _ = np.linalg.qr(np.asarray(x.T @ q))
        q, _ = np.linalg.qr(np.asarray(x @ z))
    small = np.asarray((x.T @ q).T)  # width x terms
    _, s, vt = np.linalg.svd(small, full_matrices=False)
    # Fix each vector's sign so that two builds give the same numbers.
    signs = np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])
    signs[signs == 0] = 1
    return s[:k].astype(FLOAT), (vt[:k] * signs[:k, None]).T.astype(FLOAT)


@dataclass
class Corpus:
    """Everything the engine knows about the indexed articles, row i for `ids[i]`."""

    ids: np.ndarray  # article pks
    days: np.ndarray  # publication time in days (float)
    sections: np.ndarray  # section pks
    terms: list[str]  # vocabulary, column j for terms[j]
    df: np.ndarray  # documents per term
    x: sp.csr_matrix  # pruned, normalised TF-IDF rows
    term_vectors: np.ndarray | None = None  # terms x lsa dims: latent = normalise(x @ term_vectors)
    latent: np.ndarray | None = None
    spectral: np.ndarray | None = None  # rows to fold new articles in (see `spectral_fold_in`)
    signatures: np.ndarray | None = None  # MinHash rows, to tell two reports of one story
    hub: np.ndarray = field(default_factory=lambda: np.zeros(0, FLOAT))

    @property
    def size(self) -> int:
        return len(self.ids)


def build_corpus(
    ids: Sequence[int],
    counts: Sequence[dict[str, float]],
    days: Sequence[float],
    sections: Sequence[int],
    signatures: np.ndarray | None = None,
    params: Params = PARAMS,
) -> Corpus:
    """The corpus's vectors: the same numbers as `weigh` gives article by article."""
    n = len(ids)
    vocabulary = sorted({term for c in counts for term in c})
    column = {term: j for j, term in enumerate(vocabulary)}
    lengths = np.fromiter((len(c) for c in counts), dtype=np.int64, count=n)
    total = int(lengths.sum())
    cols = np.fromiter((column[t] for c in counts for t in c), dtype=np.int64, count=total)
    vals = np.fromiter((v for c in counts for v in c.values()), dtype=np.float64, count=total)
    rows = np.repeat(np.arange(n), lengths)
    df = np.bincount(cols, minlength=len(vocabulary))
    keep = (df[cols] >= params.min_df) & (vals > 0)
    rows, cols, vals = rows[keep], cols[keep], vals[keep]
    weights = (1 + np.log(vals)) * idf(df[cols], n)
    # Each row's `max_terms` heaviest terms; ties go to the first term in alphabetical order.
    order = np.lexsort((cols, -weights, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    per_row = np.bincount(rows, minlength=n)
    starts = np.cumsum(per_row) - per_row
    keep = (np.arange(len(rows)) - np.repeat(starts, per_row)) < params.max_terms
    rows, cols, weights = rows[keep], cols[keep], weights[keep]
    norms = np.sqrt(np.bincount(rows, weights=weights**2, minlength=n))
    norms[norms == 0] = 1
    x = sp.csr_matrix(
        ((weights / norms[rows]).astype(FLOAT), (rows, cols)), shape=(n, len(vocabulary))
    )
    x.sort_indices()
    return Corpus(
        ids=np.asarray(ids, dtype=np.int64),
        days=np.asarray(days, dtype=np.float64),
        sections=np.asarray(sections, dtype=np.int64),
        terms=vocabulary,
        df=df,
        x=x,
        signatures=signatures,
    )


def add_latent(corpus: Corpus, params: Params = PARAMS) -> None:
    """LSA: term vectors from a truncated SVD (fitted on at most `LSA_SAMPLE` articles, taken
    evenly), and each article's latent vector, normalise(x @ term_vectors)."""
    sample = corpus.x
    if corpus.size > LSA_SAMPLE:
        sample = corpus.x[np.linspace(0, corpus.size - 1, LSA_SAMPLE).astype(np.int64)]
    used = np.flatnonzero(np.diff(sample.tocsc().indptr))
    if corpus.size < MIN_LSA_DOCUMENTS or len(used) < 3:
        return
    k = min(params.lsa_dims(corpus.size), sample.shape[0] - 2, len(used) - 2)
    _, right = randomized_svd(sample[:, used].tocsr(), k)
    vectors = np.zeros((len(corpus.terms), k), dtype=FLOAT)
    vectors[used] = right
    corpus.term_vectors = vectors
    corpus.latent = normalise_rows(np.asarray(corpus.x @ vectors))


def top_columns(scores: np.ndarray, k: int) -> np.ndarray:
    """Per row, the columns of the k largest scores, best first (ties: smaller column first).

    Wide rows are screened with a threshold taken from every eighth column, which leaves a
    few times k survivors to sort; rows where that fails get an exact partition."""
    b, n = scores.shape
    k = min(k, n)
    if k <= 0:
        return np.zeros((b, 0), dtype=np.int64)
    result = np.empty((b, k), dtype=np.int64)
    exact = np.ones(b, dtype=bool)
    step = 8
    if n >= 64 * k:
        sample = scores[:, ::step]
        m = min(sample.shape[1], 3 * k // step + 4)
        threshold = np.partition(sample, sample.shape[1] - m, axis=1)[:, -m]
        mask = scores >= threshold[:, None]
        found = mask.sum(axis=1)
        usable = (found >= k) & (found <= 64 * k)
        mask[~usable] = False
        r, c = np.nonzero(mask)
        v = scores[r, c]
        order = np.lexsort((c, -v, r))
        r, c = r[order], c[order]
        per_row = np.bincount(r, minlength=b)
        position = np.arange(len(r)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
        first = position < k
        result[r[first], position[first]] = c[first]
        exact = ~usable
    for i in np.flatnonzero(exact):
        row = scores[i]
        part = np.argpartition(-row, k - 1)[:k] if k < n else np.arange(n)
        part = np.sort(part)
        result[i] = part[np.argsort(-row[part], kind="stable")]
    return result


def _top_sparse(matrix: sp.csr_matrix, rows: np.ndarray, k: int) -> np.ndarray:
    """Per row of a sparse score matrix, its k best columns (-1 where fewer), self excluded."""
    matrix.sort_indices()
    r = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    c, v = matrix.indices, matrix.data.astype(np.float64)
    keep = c != rows[r]
    r, c, v = r[keep], c[keep], v[keep]
    # One sort on (row, -score); entries are in column order, so ties keep the smaller column.
    order = np.argsort(r * 4.0 - v, kind="stable")
    r, c = r[order], c[order]
    per_row = np.bincount(r, minlength=matrix.shape[0])
    position = np.arange(len(r)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    first = position < k
    out = np.full((matrix.shape[0], k), -1, dtype=np.int64)
    out[r[first], position[first]] = c[first]
    return out


def candidate_lists(
    corpus: Corpus, params: Params = PARAMS, *, chunk: int = 512, progress: Progress | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """For every article, its `params.candidates` most similar other articles and their
    similarity (lexical and latent, then recency and section).

    Exact scores, computed for the union of two candidate sets: the best latent matches (one
    dense product per chunk of rows) and the best matches on rare words (a cheap sparse
    product), so that the full n x n lexical product is never needed. Chunks run on two
    threads: numpy and scipy release the GIL in the heavy parts."""
    n = corpus.size
    k = min(params.candidates, n - 1)
    rare = np.flatnonzero(corpus.df <= max(20, n // 2000))
    x_rare = corpus.x[:, rare].tocsr()
    x_rare_t = x_rare.T.tocsr()
    idx = np.full((n, k), -1, dtype=np.int64)
    val = np.full((n, k), -np.inf, dtype=FLOAT)
    starts = list(range(0, n, chunk))

    def work(start: int) -> int:
        rows = np.arange(start, min(start + chunk, n))
        idx[rows], val[rows] = _candidates_of(corpus, rows, k, x_rare, x_rare_t, params)
        return rows[-1] + 1

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for done in pool.map(work, starts):
            if progress:
                progress("similarities", done, n)
    return idx, val


def _candidates_of(
    corpus: Corpus,
    rows: np.ndarray,
    k: int,
    x_rare: sp.csr_matrix,
    x_rare_t: sp.csr_matrix,
    params: Params,
) -> tuple[np.ndarray, np.ndarray]:
    n, b, start = corpus.size, len(rows), rows[0]
    x, latent = corpus.x, corpus.latent
    if latent is not None:
        dense = latent[rows] @ latent.T
        dense[np.arange(b), rows] = -np.inf
        by_latent = top_columns(dense, min(params.candidates + 10, n - 1))
    else:
        dense = (x[rows] @ x.T).toarray()
        dense[np.arange(b), rows] = -np.inf
        by_latent = top_columns(dense, k)
    by_words = _top_sparse(x_rare[rows] @ x_rare_t, rows, min(20, n - 1))
    union = np.sort(np.concatenate([by_latent, by_words], axis=1), axis=1)
    union[:, 1:][union[:, 1:] == union[:, :-1]] = -1
    valid = union >= 0
    pair_rows = np.repeat(rows, valid.sum(axis=1))
    pair_cols = union[valid]
    lexical = np.asarray(x[pair_rows].multiply(x[pair_cols]).sum(axis=1)).ravel()
    scores = np.full(union.shape, -np.inf, dtype=np.float64)
    if latent is not None:
        lat = dense[pair_rows - start, pair_cols]
        scores[valid] = (1 - params.lsa_weight) * lexical + params.lsa_weight * lat
    else:
        scores[valid] = lexical
    gap = np.abs(corpus.days[pair_rows] - corpus.days[pair_cols])
    scores[valid] += params.recency_weight * np.exp(-gap / params.recency_days)
    scores[valid] += params.section_weight * (
        corpus.sections[pair_rows] == corpus.sections[pair_cols]
    )
    # `union` is sorted, so a stable sort breaks ties by the smaller column.
    order = np.argsort(-scores, axis=1, kind="stable")
    chosen = np.take_along_axis(union, order, axis=1)[:, :k]
    chosen_scores = np.take_along_axis(scores, order, axis=1)[:, :k]
    return np.where(np.isfinite(chosen_scores), chosen, -1), chosen_scores


def add_spectral(corpus: Corpus, idx: np.ndarray, val: np.ndarray, params: Params = PARAMS) -> None:
    """A spectral embedding of the symmetric k-nearest-neighbour graph: the leading
    eigenvectors of its normalised adjacency D^-1/2 W D^-1/2 (after the trivial one), by
    seeded subspace iteration, scaled by their eigenvalues."""
    n = corpus.size
    k = min(params.spectral_neighbours, idx.shape[1])
    if n < MIN_SPECTRAL_DOCUMENTS or k < 2:
        return
    valid = idx[:, :k] >= 0
    weights = np.clip(val[:, :k][valid], 1e-6, None).astype(np.float64)
    graph = sp.csr_matrix(
        (weights, (np.repeat(np.arange(n), valid.sum(axis=1)), idx[:, :k][valid])), shape=(n, n)
    )
    graph = graph.maximum(graph.T).tocsr()
    degree = np.asarray(graph.sum(axis=1)).ravel()
    scale = sp.diags(1 / np.sqrt(degree))
    adjacency = (scale @ graph @ scale).tocsr()
    m = min(params.spectral_dims(n), n - 2)
    trivial = np.sqrt(degree) / np.linalg.norm(np.sqrt(degree))

    def step(block: np.ndarray) -> np.ndarray:
        # (A + I) / 2 has the same eigenvectors, with eigenvalues in [0, 1]: the iteration
        # converges to the largest ones, not to large negative ones.
        block = block - np.outer(trivial, trivial @ block)
        return (adjacency @ block + block) / 2

    block = np.random.default_rng(0).standard_normal((n, m + 8))
    block, _ = np.linalg.qr(step(block))
    for _ in range(SPECTRAL_ITERATIONS):
        block, _ = np.linalg.qr(step(block))
    block = block - np.outer(trivial, trivial @ block)
    small = block.T @ (adjacency @ block)
    values, vectors = np.linalg.eigh((small + small.T) / 2)
    order = np.argsort(-values)[:m]
    values, vectors = values[order], block @ vectors[:, order]
    vectors = vectors * np.clip(values, 0, None)
    signs = np.sign(vectors[np.abs(vectors).argmax(axis=0), np.arange(vectors.shape[1])])
    signs[signs == 0] = 1
    # Stored divided by sqrt(degree): a new article's embedding is then the weighted sum of its
    # neighbours' stored rows (the Nystrom extension), normalised.
    corpus.spectral = (vectors * signs / np.sqrt(degree)[:, None]).astype(FLOAT)


def spectral_fold_in(neighbour_rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The stored spectral row of a new article from its nearest neighbours' rows."""
    weights = np.clip(np.asarray(weights, dtype=np.float64), 1e-6, None)
    row = (weights[:, None] * neighbour_rows).sum(axis=0)
    return (row / math.sqrt(weights.sum())).astype(FLOAT)


def duplicates(signatures: np.ndarray, threshold: float) -> np.ndarray:
    """Pairwise "same story" flags for the rows of a signature matrix."""
    same = (signatures[:, None, :] == signatures[None, :, :]).mean(axis=2) > threshold
    empty = (signatures == EMPTY_SIGNATURE).all(axis=1)
    same[empty, :] = False
    same[:, empty] = False
    return same


def select(
    order: Sequence[int], scores: Sequence[float], duplicate: Callable[[int, int], bool], count: int
) -> list[tuple[int, float]]:
    """Best first, skipping a candidate that duplicates one already chosen."""
    chosen: list[tuple[int, float]] = []
    for j, s in zip(order, scores, strict=True):
        if any(duplicate(j, c) for c, _ in chosen):
            continue
        chosen.append((j, s))
        if len(chosen) == count:
            break
    return chosen


def rank_all(
    corpus: Corpus, params: Params = PARAMS, *, progress: Progress | None = None
) -> list[list[tuple[int, float]]]:
    """Suggestions for every article: lists of (row, score), best first."""
    n = corpus.size
    if n < 2:
        corpus.hub = np.zeros(n, FLOAT)
        return [[] for _ in range(n)]
    add_latent(corpus, params)
    idx, val = candidate_lists(corpus, params, progress=progress)
    add_spectral(corpus, idx, val, params)
    valid = idx >= 0
    if corpus.spectral is not None:
        e = normalise_rows(corpus.spectral)
        val = val + params.spectral_weight * np.einsum("id,ijd->ij", e, e[np.where(valid, idx, 0)])
        val[~valid] = -np.inf
        order = np.argsort(-val, axis=1, kind="stable")
        idx, val = np.take_along_axis(idx, order, 1), np.take_along_axis(val, order, 1)
        valid = idx >= 0
    near = valid[:, : params.hub_neighbours]
    corpus.hub = (
        np.where(near, val[:, : params.hub_neighbours], 0).sum(axis=1)
        / np.maximum(near.sum(axis=1), 1)
    ).astype(FLOAT)
    final = np.where(valid, val - params.hub_penalty * corpus.hub[np.where(valid, idx, 0)], -np.inf)
    out = []
    for i in range(n):
        order = np.lexsort((idx[i], -final[i]))
        rows, scores = idx[i][order], final[i][order]
        rows, scores = rows[np.isfinite(scores)], scores[np.isfinite(scores)]
        head = [int(r) for r in rows[: params.stored * 2]]
        if corpus.signatures is not None:
            same = duplicates(corpus.signatures[head], params.duplicate_threshold)
            where = {r: p for p, r in enumerate(head)}

            def duplicate(a: int, b: int, same=same, where=where) -> bool:
                return bool(same[where[a], where[b]])
        else:

            def duplicate(a: int, b: int) -> bool:
                return False

        out.append(select(head, [float(s) for s in scores[: len(head)]], duplicate, params.stored))
        if progress and (i + 1) % 5000 == 0:
            progress("ranking", i + 1, n)
    if progress:
        progress("ranking", n, n)
    return out
