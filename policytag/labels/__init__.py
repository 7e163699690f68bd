"""Labelled segments: the label files, their checks, realignment to a new segmentation, agreement between
annotation passes, pulling the service's human labels into the files, and the shared corpus.

One module per job: ``files`` (read and write labels/), ``validate`` (one validator for records and label
lists), ``realign``, ``agreement``, ``pull``, ``corpus``.
"""
