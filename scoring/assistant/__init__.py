"""智能问答 as users see it: the documents' answers, and questions of permission answered by
the scope check (the composition is `scoring.services.Services.ask`); its command line."""
