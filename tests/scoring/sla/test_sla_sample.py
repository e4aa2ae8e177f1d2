"""Sample call records: seeded, realistic in shape, valid, with one vendor slipping."""
import subprocess
import sys

import pytest

from scoring.sla import queries, sample
from scoring.sla.attainment import attainment
from scoring.sla.engine import file_kpis
from scoring.sla.store import DATABASE_FILE, SlaStore
from scoring.sla.targets import load_contracts
from settings import PROJECT_ROOT

ROOT = PROJECT_ROOT


def test_same_seed_same_records_other_seed_other_records():
    first = sample.generate(vendors=2, days=2, calls_per_day=50, seed=3)
    assert first.equals(sample.generate(vendors=2, days=2, calls_per_day=50, seed=3))
    assert not first.equals(sample.generate(vendors=2, days=2, calls_per_day=50, seed=4))


def test_daily_and_hourly_seasonality():
    frame = sample.generate(vendors=1, days=14, calls_per_day=400)
    per_day = frame.groupby(frame["arrived_at"].dt.day_of_week).size()
    per_hour = frame.groupby(frame["arrived_at"].dt.hour).size()
    assert per_day[0] > per_day[6] * 1.2  # Mondays busier than Sundays
    assert per_hour[10] > per_hour[3] * 10  # mid-morning peak, quiet night


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> SlaStore:
    store = SlaStore(tmp_path_factory.mktemp("sample") / DATABASE_FILE)
    store.ensure_sample(sample.generate)  # what the page shows: 3 vendors, 90 days
    yield store
    store.close()


def test_one_vendor_slips_month_by_month(sample_store):
    monthly = queries.board_kpis(sample_store, "month", 20)
    _, summary = attainment(monthly, load_contracts(sample_store))
    scores = summary.pivot(index="vendor", columns="period", values="score")
    slipping = scores.loc[sample.vendor_names(3)[-1]]
    assert list(slipping) == sorted(slipping, reverse=True) and slipping.iloc[-1] < 60
    assert scores.loc[sample.vendor_names(3)[0]].min() == 100
    level = monthly.pivot(index="vendor", columns="period", values="service_level")
    assert level.iloc[0].min() > 0.85 and level.loc[sample.vendor_names(3)[-1]].iloc[-1] < 0.8


def test_sample_command_writes_a_file_that_passes_every_rule(tmp_path):
    out = tmp_path / "sample.csv"
    result = subprocess.run([sys.executable, "-m", "scoring.sla", "sample", "--vendors", "2",
                             "--days", "10", "--calls-per-day", "80", "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "已写出示例话单" in result.stdout
    kpis = file_kpis(out, "vendor", 20)
    assert kpis.rejected == 0 and [record["vendor"] for record in kpis.records] == sample.vendor_names(2)
