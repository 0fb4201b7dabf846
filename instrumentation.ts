export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { registerAuth } = await import("streamlit-auth-nextjs/instrumentation");
    registerAuth();
  }
}
