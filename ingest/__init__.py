"""The write path: documents (txt, md, pdf, docx) to clauses, the document library with its
versions, and builds of the index (chunks, embeddings in Chroma, BM25), swapped in atomically.

    loaders, cleaning, clauses, numbering, wording, documents   a file to its clauses
    library                                                   documents and versions
    chunks, embeddings, calibration, tokenize, chroma, index    the index and its builds
    indexer                                                   a library change and its rebuild
"""
