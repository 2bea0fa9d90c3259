"""The similar-incident index: each incident's vectors, the corpus's term counts, and the
inverted index of each incident's heaviest terms. Written only by `intelligence.similarity.index`."""

from django.db import models

from tickets.models import Incident


class IncidentVector(models.Model):
    """An incident as the scorer sees it (`intelligence.similarity.scorer.Vector.pack`).

    `text_hash` is the digest of the text the vectors came from: an incident whose words did
    not change is not weighed again (the index task is safe to run twice, and cheap)."""

    incident = models.OneToOneField(
        Incident, primary_key=True, on_delete=models.CASCADE, related_name="similarity_vector"
    )
    title_vector = models.BinaryField()
    full_vector = models.BinaryField()
    text_hash = models.CharField(max_length=32)
    # The incident's filing time, for the scorer's "close in time" boost.
    filed_at = models.DateTimeField()
    # The incident's updated_at when the index last read it: the sweep re-reads any later change.
    seen_updated_at = models.DateTimeField()
    indexed_at = models.DateTimeField()

    def __str__(self):
        return f"vectors of incident {self.incident_id}"


class TermFrequency(models.Model):
    """In how many indexed incidents a term occurs: the IDF of the scorer's weights.

    The pseudo-term `scorer.DOCUMENTS_TERM` occurs in every incident, so its row is the
    number of incidents indexed. Rows change by increments (`INSERT … ON CONFLICT DO UPDATE SET
    documents = documents + …`), so concurrent index runs add up instead of overwriting."""

    term = models.IntegerField(primary_key=True)
    documents = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "term frequencies"

    def __str__(self):
        return f"term {self.term}: {self.documents}"


class Posting(models.Model):
    """An incident listed under one of its heaviest terms, with the term's weight in it.

    A lookup reads, for each of its own heaviest terms, the best-weighted postings of that
    term: the (term, weight DESC) index answers it without touching the rest."""

    pk = models.CompositePrimaryKey("term", "incident")
    term = models.IntegerField()
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["term", "-weight", "incident"], name="posting_term_weight_idx")]

    def __str__(self):
        return f"term {self.term} → incident {self.incident_id} ({self.weight:.3f})"
