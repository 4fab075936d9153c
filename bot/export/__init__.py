"""Files a user takes away: the plan as HTML and .docx, the conversation transcript."""
