"""The annual poverty review: rounds, lists, questionnaires, meetings, posting, recognition."""
