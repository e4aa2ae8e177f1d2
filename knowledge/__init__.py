"""The read path: the knowledge base over one snapshot of the index at a time, hybrid retrieval,
and answers that quote and cite the clauses they rest on.

    base                      KnowledgeBase, Snapshot
    retrieval                 dense + BM25, fused by reciprocal rank
    question_forms, concepts, references, rerank, answer   the extractive answer
    generate, assistant       the optional generative answer; what the chat page asks
    evaluate                  quality figures on a question set
"""
