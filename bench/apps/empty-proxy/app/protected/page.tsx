export default function Page() {
  return <p>hello from a server component</p>;
}
