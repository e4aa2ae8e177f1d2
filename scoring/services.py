"""The composition root: every service of the app, built from one set of settings.

    services = create_services()                        # settings from the environment
    services = create_services({"data_dir": tmp_path})  # overrides, as tests give them

The pages share one instance (pages/_resources.services()); each command of the app builds its
own. Nothing else constructs a knowledge base, a scope checker or a store.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from access.gate import Actor, Gate
from audit.trail import AuditTrail
from errors import UserError
from ingest.jobs import IngestJobs, JobRequest, JobState
from knowledge.answer import Answer
from knowledge.assistant import ask
from knowledge.base import KnowledgeBase
from scoring.assistant.conversations import ConversationStore
from scoring.assistant.quality import QualityStore
from scoring.elements.drafts import DraftStore
from scoring.elements.model import ElementModel
from scoring.register.duties import CandidateDuty, mine
from scoring.register.model import Stage, load_stages, sentences_about
from scoring.register.store import RegisterStore
from scoring.scope import CITATIONS_FILE
from scoring.scope.assessments import AssessmentStore
from scoring.scope.checker import ScopeChecker
from scoring.scope.governance import ChecklistItem, load_checklist
from scoring.scope.questions import PermissionAnswers
from scoring.sla import board
from scoring.sla.store import SlaStore
from scoring.standard import Citation, Standard
from scoring.vendor_dossier import VendorDossier, build_dossier
from settings import Settings, load_settings

T = TypeVar("T")


class Services:
    """The services of one data directory. Those quoting the standard are rebuilt when the
    loaded copy of the standard changes (a new version replaces it); the rest live as long as
    this object. Safe to share between sessions."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.audit = AuditTrail(settings.data_dir)
        self.gate = Gate(settings, self.audit)
        self.knowledge = KnowledgeBase(settings)
        self.sla_store = SlaStore.for_settings(settings)
        self.drafts = DraftStore(settings.data_dir)
        self.conversations = ConversationStore(settings.data_dir)
        self.quality = QualityStore(settings.data_dir)
        self.register = RegisterStore(settings.data_dir, settings.max_upload_mb * 2**20)
        self.jobs = IngestJobs(self.knowledge.indexer, on_finish=self._job_finished)
        self._built: dict[str, tuple[str, Any]] = {}
        self._building = threading.Lock()

    def submit_change(self, actor: Actor, request: JobRequest, data: bytes | None = None) -> JobState:
        """A change of the knowledge base as a background job, if the person may make it; the
        audit trail records it when it has finished (done, failed or cancelled)."""
        self.gate.require(actor, request.action, request.target)
        self.audit.ensure_writable()
        return self.jobs.submit(replace(request, requested_by=(actor.id, actor.name, actor.via)), data)

    def _job_finished(self, job: JobState) -> None:
        person_id, name, via = job.request.requested_by
        person = Actor(person_id, name, frozenset(), via)
        self.gate.record(person, job.request.action, job.request.target,
                         job.state if job.state in ("done", "cancelled") else "failed",
                         after=job.describe())

    @property
    def standard(self) -> Standard:
        """The loaded copy of GB/T 32314 with the quotations the scope check and checklist use
        (CitationError when a quotation is not in it)."""
        documents = self.knowledge.documents()
        return self._for_documents("standard", documents,
                                   lambda: Standard.from_documents(documents, CITATIONS_FILE))

    @property
    def scope_checker(self) -> ScopeChecker:
        standard = self.standard
        return self._for_standard("scope_checker", standard, lambda: ScopeChecker(
            standard, self.knowledge.embeddings, cache_dir=Path(self.settings.data_dir) / "cache",
            calibration=self.knowledge.calibration))

    def ask(self, question: str, history: list[str] | None = None,
            doc_ids: list[str] | None = None) -> Answer:
        """The assistant: questions of permission answered as 范围自检 answers them (one truth
        for both pages), every other question from the documents."""
        return ask(self.knowledge, question, history, doc_ids, answerers=[self._permission])

    def _permission(self, question: str) -> Answer | None:
        try:
            checker = self.scope_checker
        except UserError:  # no usable copy of the standard loaded: the documents answer
            return None
        return PermissionAnswers(checker, self.knowledge)(question)

    @property
    def checklist(self) -> list[ChecklistItem]:
        standard = self.standard
        return self._for_standard("checklist", standard, lambda: load_checklist(standard))

    @property
    def assessments(self) -> AssessmentStore:
        return AssessmentStore(self.settings.data_dir, self.checklist)

    @property
    def element_model(self) -> ElementModel:
        documents = self.knowledge.documents()
        return self._for_documents("element_model", documents,
                                   lambda: ElementModel.from_documents(documents))

    def lifecycle(self) -> list[tuple[Stage, list[Citation]]]:
        """The stages of an outsourcing project with what they cite: GB/T 32314 verbatim for 立项
        and 审批, the sentences of the bank's own documents that speak of the later stages."""
        stages, quotes = load_stages()
        try:
            standard = self.standard
            cited = self._for_standard("lifecycle", standard, lambda: Standard(
                standard.document, quotes, "lifecycle.toml"))
            own = [d for d in self.knowledge.documents() if d.info.doc_id != standard.document.info.doc_id]
        except UserError:  # no usable copy of the standard loaded: the bank's documents only
            cited, own = None, self.knowledge.documents()
        found = []
        for stage in stages:
            citations = [cited.cite(key) for key in stage.quotes] if cited and stage.quotes else [
                Citation(document.info.short_name, clause.clause, clause.title, sentence)
                for document in own for clause in document.clauses
                for sentence in sentences_about(clause.text, stage.keywords)][:3]
            found.append((stage, citations))
        return found

    def candidate_duties(self) -> list[CandidateDuty]:
        """The duties the loaded documents state that nobody has accepted or dismissed yet."""
        documents = self.knowledge.documents()
        mined = self._for_documents("duties", documents, lambda: mine(documents))
        decided = self.register.decided()
        return [duty for duty in mined if duty.key not in decided]

    def dossier(self, vendor_id: int, today: date) -> VendorDossier:
        """One vendor with everything the features hold about it."""
        vendor = self.register.vendor(vendor_id)
        data = board.load_board(self.sla_store, self.settings.sla_threshold_s)

        def draft_label(draft_id: int) -> str:
            try:
                return self.drafts.load(draft_id).label
            except UserError:
                return "(已删除)"

        def findings(assessment_id: int) -> tuple[str, tuple[tuple[str, str], ...]]:
            try:
                saved = self.assessments.load(assessment_id)
            except UserError:
                return "(已删除)", ()
            verdicts = self.scope_checker.classify_many(saved.functions) if saved.functions else []
            return saved.label, tuple((v.function, v.label) for v in verdicts)

        return build_dossier(vendor, self.register.projects(vendor_id), load_stages()[0],
                             draft_label, findings, data.summary, data.monthly,
                             self.register.duties(vendor_id),
                             self.settings.concentration_threshold, today)

    def _for_standard(self, name: str, standard: Standard, build: Callable[[], T]) -> T:
        return self._kept(name, standard.document.content_hash, build)

    def _for_documents(self, name: str, documents: list, build: Callable[[], T]) -> T:
        return self._kept(name, "|".join(document.content_hash for document in documents), build)

    def _kept(self, name: str, version: str, build: Callable[[], T]) -> T:
        """The service built for this version of its input, built again when that changes."""
        with self._building:
            kept = self._built.get(name)
            if kept is None or kept[0] != version:
                kept = self._built[name] = (version, build())
            return kept[1]


def create_services(overrides: Mapping[str, Any] | None = None,
                    settings: Settings | None = None) -> Services:
    """The app's services for these settings (default: from the environment, with overrides)."""
    return Services(settings or load_settings(overrides))
