// The streaming example of the Llama Stack "Anthropic Messages API" page (TypeScript, verbatim).
import Anthropic from "@anthropic-ai/sdk";
const client = new Anthropic({
baseURL: "http://localhost:8321/v1",
apiKey: "fake",
});
const stream = client.messages.stream({
model: "llama-3.3-70b",
max_tokens: 1024,
messages: [{ role: "user", content: "Explain RAG in 3 sentences." }],
});
for await (const event of stream) {
if (
event.type === "content_block_delta" &&
event.delta.type === "text_delta"
) {
process.stdout.write(event.delta.text);
}
}
