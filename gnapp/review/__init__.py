"""The annual poverty review: rounds, surveys, meetings, recognition and its summary tables."""
