"""The sending area: the commune's keys and the signed packages sent to the receiving office."""
