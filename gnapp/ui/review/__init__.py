"""The review area: the yearly review of the poor and near-poor lists, its dialogs, the
questionnaire wizard and the import of tablet questionnaires."""
