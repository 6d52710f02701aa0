// The multi-turn example of the Llama Stack "Anthropic Messages API" page (the Python example as its TypeScript twin).
import Anthropic from "@anthropic-ai/sdk";
const client = new Anthropic({
  baseURL: "http://localhost:8321/v1",
  apiKey: "fake",
});
const message = await client.messages.create({
  model: "llama-3.3-70b",
  max_tokens: 1024,
  system: "You are a helpful coding assistant.",
  messages: [
    { role: "user", content: "Write a Python function to reverse a string." },
    { role: "assistant", content: "def reverse(s): return s[::-1]" },
    { role: "user", content: "Now make it handle unicode properly." },
  ],
});
console.log(message.content[0].text);
