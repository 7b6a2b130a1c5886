import { redirect } from 'next/navigation';

// The home page is the markets overview for now.
export default function Home() {
  redirect('/markets');
}
