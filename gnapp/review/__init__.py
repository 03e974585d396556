"""The annual poverty review: rounds, the review list, questionnaires, meetings, posting,
recognition."""
