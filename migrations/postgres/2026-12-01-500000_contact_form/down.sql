DROP TABLE ticket_ratings;
DROP TABLE form_submissions;
