"""How well intake tells feedback from incidents: `intelligence.intent.classify` on real tweets
labelled by hand (bench/data/intent_labels.tsv, lines of ../shared/data/tweeteval-sentiment).

    DEBUG=true .venv/bin/python bench/bench_intent.py            # the held-out half
    DEBUG=true .venv/bin/python bench/bench_intent.py --split dev # the half the rules were tuned on
    DEBUG=true .venv/bin/python bench/bench_intent.py --errors    # and each mistake, with its reason

Prints, for the split: precision at "not an incident" (of the messages kept as feedback, how
many really were praise, thanks or chatter: the figure that must stay high, since a complaint
kept as feedback is a person nobody answers), the recall of incidents (of the real complaints
and questions, how many still open one), the share kept as feedback, the base rates, and the
confusion of the five intents. No database is needed.
"""

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
LABELS = ROOT / "bench" / "data" / "intent_labels.tsv"
TWEETS = ROOT.parent / "shared" / "data" / "tweeteval-sentiment" / "val_text.txt"
DEV_LAST_LINE = 1000


def labelled(split: str, tweets: Path = TWEETS) -> list[tuple[int, str, str]]:
    """(line, text, label) of the split: "dev", "heldout" or "all"."""
    texts = tweets.read_text().split("\n")
    rows = []
    for row in LABELS.read_text().splitlines():
        if row.startswith("#") or row.startswith("line\t") or not row.strip():
            continue
        line, label = row.split("\t")
        number = int(line)
        if split == "all" or (split == "dev") == (number <= DEV_LAST_LINE):
            rows.append((number, texts[number - 1], label))
    return rows


def measure(rows, classify) -> dict:
    from intelligence.intent import FEEDBACK, Intent

    feedback = {i.value for i in FEEDBACK}
    predicted = [classify(text).value for _, text, _ in rows]
    truth = [label for _, _, label in rows]
    kept = [t for p, t in zip(predicted, truth, strict=True) if p in feedback]
    incidents = [p for p, t in zip(predicted, truth, strict=True) if t not in feedback]
    return {
        "messages": len(rows),
        "kept_as_feedback": len(kept),
        "precision_not_incident": sum(t in feedback for t in kept) / len(kept) if kept else 1.0,
        "recall_incident": sum(p not in feedback for p in incidents) / len(incidents) if incidents else 1.0,
        "recall_feedback": len([t for t in kept if t in feedback]) / max(1, sum(t in feedback for t in truth)),
        "truth": Counter(truth),
        "confusion": Counter(zip(truth, predicted, strict=True)),
        "intents": [i.value for i in Intent],
        "predicted": predicted,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("heldout", "dev", "all"), default="heldout")
    parser.add_argument("--errors", action="store_true", help="print each tweet judged wrongly")
    args = parser.parse_args()
    if not TWEETS.exists():
        sys.exit(f"{TWEETS} is absent: the labelled tweets are read from ../shared/data.")
    import django

    django.setup()
    from intelligence.intent import FEEDBACK, classify, judge

    rows = labelled(args.split)
    started = time.perf_counter()
    result = measure(rows, classify)
    elapsed = time.perf_counter() - started
    print(f"split {args.split}: {result['messages']} tweets, truth {dict(result['truth'])}")
    print(f"kept as feedback: {result['kept_as_feedback']} ({result['kept_as_feedback'] / result['messages']:.0%})")
    print(f"precision at 'not an incident': {result['precision_not_incident']:.3f}")
    print(f"recall of incidents (complaints and questions still opening one): {result['recall_incident']:.3f}")
    print(f"recall of feedback (praise, thanks, chatter kept as feedback): {result['recall_feedback']:.3f}")
    print(f"time per message: {elapsed / len(rows) * 1000:.2f} ms (first call loads the sentiment model)")
    intents = result["intents"]
    print("confusion (rows: truth, columns: predicted)")
    print(" " * 10 + "".join(f"{i:>10}" for i in intents))
    for truth in intents:
        print(f"{truth:>10}" + "".join(f"{result['confusion'][(truth, p)]:>10}" for p in intents))
    if args.errors:
        feedback = {i.value for i in FEEDBACK}
        for (line, text, label), predicted in zip(rows, result["predicted"], strict=True):
            if (label in feedback) != (predicted in feedback):
                print(f"{line}\t{label}\t{predicted}\t{judge(text).reason}\t{text[:140]}")


if __name__ == "__main__":
    main()
