"""Imported once by the batch's fork server (multiprocessing "forkserver" preload): the worker
processes forked from it start with the pipeline built, the gazetteer index mapped and the
recogniser's patterns compiled, instead of each doing that work again."""
from geo.pipeline import Pipeline
from geo.settings import Settings

# the batch's default settings: what the environment says (the main process reads the same)
Pipeline.shared(Settings.from_env()).analyse("Officials in Paris, France, said the talks went well.")
