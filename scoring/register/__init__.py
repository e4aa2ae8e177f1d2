"""外包台账: vendors and outsourcing projects, their lifecycle records with evidence, and the calendar
of duties mined from the loaded rules."""
