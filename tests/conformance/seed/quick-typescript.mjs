// The quick example of the Llama Stack "Anthropic Messages API" page (TypeScript, verbatim).
import Anthropic from "@anthropic-ai/sdk";
const client = new Anthropic({
baseURL: "http://localhost:8321/v1",
apiKey: "fake",
});
const message = await client.messages.create({
model: "llama-3.3-70b",
max_tokens: 1024,
messages: [{ role: "user", content: "What is Llama Stack?" }],
});
console.log(message.content[0].text);
