"""Pure computations of the app (no streamlit): SLA indicators, contract attainment, Erlang C."""
