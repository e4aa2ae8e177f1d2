"""Fixtures of the reliability suite: the services' scope checker and element model."""
import pytest

from scoring.elements.model import ElementModel
from scoring.scope.checker import ScopeChecker


@pytest.fixture(scope="session")
def checker(built_services) -> ScopeChecker:
    return built_services.scope_checker


@pytest.fixture(scope="session")
def model(built_services) -> ElementModel:
    return built_services.element_model
