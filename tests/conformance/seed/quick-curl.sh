# The quick example of the Llama Stack "Anthropic Messages API" page (curl, verbatim).
curl http://localhost:8321/v1/messages \
-H "Content-Type: application/json" \
-H "x-]api-key: fake" \
-d '{
"model": "llama-3.3-70b",
"max_tokens": 1024,
"messages": [
{"role": "user", "content": "What is Llama Stack?"}
]
}'
