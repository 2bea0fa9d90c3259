"""Bring the sentiment history to the current model: score what was never scored, then
rescore what another model (or VADER, before the model) scored.

    python manage.py sentiment_rescore                 # everything, with progress bars
    python manage.py sentiment_rescore --after-id 4200000   # resume the rescore after that score id

Batched, resumable and idempotent: each batch commits on its own, a row of the current
model's version is never scored again, and an interrupted run prints where to resume (run
again without --after-id and it only rereads ids). Safe beside the workers and beside
another run (`feedback.services.sentiment_rescore_batch`).
"""

import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from feedback import services
from feedback.sentiment import model_version

NEVER_SCORED = [
    ("messages", services.scorable_messages, services.sentiment_score_messages, "message_ids"),
    ("descriptions", services.scorable_descriptions, services.sentiment_score_descriptions, "incident_ids"),
    ("comments", services.scorable_comments, services.sentiment_score_comments, "comment_ids"),
]


class Command(BaseCommand):
    help = (
        "Score the texts people wrote that have no sentiment yet, then rescore the scores of another model "
        "with the current one (after the model file changed). Batched, resumable, idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=services.RESCORE_BATCH)
        parser.add_argument("--after-id", type=int, default=0, help="Resume the rescore after this score id.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars (logs, cron).")

    def handle(self, *args, batch_size: int, after_id: int, no_progress: bool, **options):
        started = time.perf_counter()
        self.stdout.write(f"Sentiment model {model_version()}")
        scored = 0 if after_id else self._score_never_scored(batch_size, disable=no_progress)
        rescored, skipped = self._rescore(batch_size, after_id, disable=no_progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Scored {scored:,} unscored texts and rescored {rescored:,} scores "
                f"({skipped:,} whose words are gone kept theirs) in {time.perf_counter() - started:.1f}s."
            )
        )

    def _bar(self, **options) -> tqdm:
        # On the command's own stderr stream (the raw one: tqdm redraws with "\r").
        return tqdm(file=self.stderr._out, **options)

    def _score_never_scored(self, batch_size: int, *, disable: bool) -> int:
        total = 0
        for name, scorable, score, argument in NEVER_SCORED:
            queryset = scorable()
            with self._bar(total=queryset.count(), desc=f"Unscored {name}", unit=" texts", disable=disable) as bar:
                cursor = 0
                while ids := list(
                    queryset.filter(pk__gt=cursor).order_by("pk").values_list("pk", flat=True)[:batch_size]
                ):
                    total += score(**{argument: ids})
                    cursor = ids[-1]
                    bar.update(len(ids))
        return total

    def _rescore(self, batch_size: int, after_id: int, *, disable: bool) -> tuple[int, int]:
        stale = services.stale_scores().filter(pk__gt=after_id)
        rescored = skipped = 0
        cursor = after_id
        with self._bar(total=stale.count(), desc="Rescoring", unit=" scores", disable=disable) as bar:
            try:
                while True:
                    batch = services.sentiment_rescore_batch(after_id=cursor, batch_size=batch_size)
                    rescored, skipped, cursor = rescored + batch.rescored, skipped + batch.skipped, batch.last_id
                    bar.update(batch.read)
                    if batch.done:
                        break
            except KeyboardInterrupt:
                bar.close()
                self.stderr.write(f"Interrupted: resume with --after-id {cursor}")
                raise SystemExit(130) from None
        return rescored, skipped
