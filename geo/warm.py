"""Imported once by the batch's fork server (multiprocessing "forkserver" preload): the worker
processes forked from it start with the pipeline imported, the gazetteer index mapped and the
recogniser's patterns compiled, instead of each doing that work again."""
from gazetteer.index import Gazetteer
from geo.pipeline import analyse

Gazetteer.load()
analyse("Officials in Paris, France, said the talks went well.")   # builds what the first article would
