"""The annual poverty review: rounds, questionnaires, meetings, recognition."""
