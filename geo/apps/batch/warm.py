"""Imported once by the batch's fork server (multiprocessing "forkserver" preload): the worker
processes forked from it start with the pipeline built, the gazetteer index mapped and the
recogniser's patterns compiled, instead of each doing that work again."""
from geo.pipeline import Pipeline
from geo.model import DocumentMeta
from geo.settings import Settings

# the batch's default settings: what the environment says (the main process reads the same)
# (an event sentence too: a worker's first article, often one retried after a worker died, should
# not pay for loading the maritime zones and the event readers)
Pipeline.shared(Settings.from_env()).analyse(
    "Officials in Paris, France, said the talks went well. North Korea fired a ballistic missile from Wonsan; "
    "it landed about 350 km north-east of Shimane prefecture, inside Japan's exclusive economic zone, at 7.10am "
    "Tokyo time.", DocumentMeta(date="2019-10-02"))
