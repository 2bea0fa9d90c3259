"""The desk's sentiment model: features, the linear model and its training script.

Plain Python, numpy, scipy and scikit-learn, no Django: the training script and the bench
run without the project's settings. `feedback.sentiment` is the app's entry point.
"""
