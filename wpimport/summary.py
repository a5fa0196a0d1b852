"""The tally an import prints: what happened to every object of the export, and why."""

from __future__ import annotations

from collections import Counter, defaultdict

KINDS = {
    "posts": "posts",
    "pages": "pages",
    "categories": "categories",
    "tags": "tags",
    "authors": "authors",
    "comments": "comments",
    "pingbacks": "pingbacks/trackbacks",
    "attachments": "attachments",
    "pictures": "other in-body pictures",
    "downloads": "pictures fetched",
    "other": "other items",
}
NAMED_POSTS = 20
OUTCOMES = ("created", "linked", "updated", "unchanged", "skipped")
EXPLAINED = {
    "created": "new in Newsroom",
    "linked": "matched to something Newsroom already had",
    "updated": "changed since the last import and updated",
    "unchanged": "imported before and identical",
    "skipped": "not imported",
}


class Summary:
    def __init__(self) -> None:
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.reasons: Counter = Counter()
        self.notes: Counter = Counter()
        self.examples: dict[tuple, list[str]] = defaultdict(list)
        # The posts a note is about, when it reports content that could not be kept.
        self.note_posts: dict[tuple, list[str]] = defaultdict(list)

    def add(self, kind: str, outcome: str, reason: str = "", *, label: str = "") -> None:
        assert kind in KINDS and outcome in OUTCOMES, (kind, outcome)
        self.counts[kind][outcome] += 1
        if reason:
            self.reasons[(kind, outcome, reason)] += 1
            if label and len(self.examples[(kind, outcome, reason)]) < 5:
                self.examples[(kind, outcome, reason)].append(label)

    def explain(self, kind: str, outcome: str, reason: str, *, label: str = "") -> None:
        """One more reason for an outcome already counted with `add`."""
        self.reasons[(kind, outcome, reason)] += 1
        if label and len(self.examples[(kind, outcome, reason)]) < 5:
            self.examples[(kind, outcome, reason)].append(label)

    def note(self, kind: str, text: str, *, label: str = "") -> None:
        """Something worth telling about an imported object that is not its outcome; with a
        label (the post's title), the summary names the posts it is about."""
        self.notes[(kind, text)] += 1
        if label and len(self.note_posts[(kind, text)]) < NAMED_POSTS:
            self.note_posts[(kind, text)].append(label)

    def merge(self, other: Summary) -> None:
        for kind, counter in other.counts.items():
            self.counts[kind].update(counter)
        self.reasons.update(other.reasons)
        self.notes.update(other.notes)
        for key, labels in other.examples.items():
            room = 5 - len(self.examples[key])
            self.examples[key].extend(labels[: max(room, 0)])
        for key, labels in other.note_posts.items():
            room = NAMED_POSTS - len(self.note_posts[key])
            self.note_posts[key].extend(labels[: max(room, 0)])

    def count(self, kind: str, outcome: str | None = None) -> int:
        if outcome is None:
            return sum(self.counts[kind].values())
        return self.counts[kind][outcome]

    def as_dict(self) -> dict:
        return {
            kind: {
                **{outcome: self.counts[kind][outcome] for outcome in OUTCOMES},
                "reasons": {
                    f"{outcome}: {reason}": n
                    for (k, outcome, reason), n in sorted(self.reasons.items())
                    if k == kind
                },
                "notes": {text: n for (k, text), n in sorted(self.notes.items()) if k == kind},
            }
            for kind in KINDS
        }

    def lines(self, *, verbosity: int = 1) -> list[str]:
        width = max(len(label) for label in KINDS.values())
        out = [f"{'':{width}}  " + "".join(f"{o:>10}" for o in OUTCOMES) + f"{'total':>10}"]
        for kind, label in KINDS.items():
            counts = self.counts[kind]
            out.append(
                f"{label:{width}}  "
                + "".join(f"{counts[o]:>10}" for o in OUTCOMES)
                + f"{sum(counts.values()):>10}"
            )
        details = []
        for kind, label in KINDS.items():
            rows = sorted(
                ((o, r, n) for (k, o, r), n in self.reasons.items() if k == kind),
                key=lambda row: (OUTCOMES.index(row[0]), -row[2], row[1]),
            )
            notes = sorted(
                ((t, n) for (k, t), n in self.notes.items() if k == kind),
                key=lambda row: (-row[1], row[0]),
            )
            if not rows and not notes:
                continue
            details.append(f"{label}:")
            for outcome, reason, n in rows:
                details.append(f"  {outcome} {n}: {reason}")
                examples = self.examples.get((kind, outcome, reason))
                if examples and verbosity >= 2:
                    details.append(f"      e.g. {'; '.join(examples)}")
            for text, n in notes:
                details.append(f"  note ({n}): {text}")
                if named := self.note_posts.get((kind, text)):
                    more = n - len(named)
                    details.append(
                        f"      in {'; '.join(named)}" + (f"; and {more} more" if more > 0 else "")
                    )
        if details:
            out += ["", "Reasons and notes:", *details]
        return out
