"""Satisfaction surveys: after an incident is resolved, its reporter is asked how it went on
their own channel, and their answer becomes a rating from 1 to 5 (good = 4 or 5)."""
